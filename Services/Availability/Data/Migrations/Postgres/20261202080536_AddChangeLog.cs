using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace HotelBooking.Availability.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AddChangeLog : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "Version",
                table: "Inventory",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "InventoryChanges",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    RoomTypeId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Date = table.Column<DateOnly>(type: "date", nullable: false),
                    Total = table.Column<int>(type: "integer", nullable: false),
                    Sold = table.Column<int>(type: "integer", nullable: false),
                    Held = table.Column<int>(type: "integer", nullable: false),
                    RateMinor = table.Column<long>(type: "bigint", nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false),
                    ChangedAtMs = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InventoryChanges", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_InventoryChanges_ChangedAtMs",
                table: "InventoryChanges",
                column: "ChangedAtMs");

            // Every committed change of a night leaves a row in the change log, in its own transaction,
            // whoever wrote it (the ledger, an import, the seed), and wakes the other processes' read models
            // once per statement (NOTIFY is delivered at commit, and not at all on rollback).
            migrationBuilder.Sql("""
                CREATE FUNCTION inventory_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO "InventoryChanges" ("RoomTypeId", "Date", "Total", "Sold", "Held", "RateMinor", "Version", "ChangedAtMs")
                    VALUES (NEW."RoomTypeId", NEW."Date", NEW."Total", NEW."Sold", NEW."Held", NEW."RateMinor", NEW."Version",
                            (extract(epoch from clock_timestamp()) * 1000)::bigint);
                    RETURN NULL;
                END $$;

                CREATE TRIGGER inventory_changed AFTER INSERT OR UPDATE ON "Inventory"
                    FOR EACH ROW EXECUTE FUNCTION inventory_changed();

                CREATE FUNCTION inventory_notify() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('inventory_changes', '');
                    RETURN NULL;
                END $$;

                CREATE TRIGGER inventory_notify AFTER INSERT OR UPDATE ON "Inventory"
                    FOR EACH STATEMENT EXECUTE FUNCTION inventory_notify();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER inventory_notify ON "Inventory";
                DROP TRIGGER inventory_changed ON "Inventory";
                DROP FUNCTION inventory_notify();
                DROP FUNCTION inventory_changed();
                """);
            migrationBuilder.DropTable(
                name: "InventoryChanges");

            migrationBuilder.DropColumn(
                name: "Version",
                table: "Inventory");
        }
    }
}
