using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HotelBooking.Availability.Data.Migrations.Sqlite
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
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "InventoryChanges",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    RoomTypeId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Total = table.Column<int>(type: "INTEGER", nullable: false),
                    Sold = table.Column<int>(type: "INTEGER", nullable: false),
                    Held = table.Column<int>(type: "INTEGER", nullable: false),
                    RateMinor = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false),
                    ChangedAtMs = table.Column<long>(type: "INTEGER", nullable: false)
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
            // whoever wrote it (the ledger, an import, the seed): the read model catches up from it.
            foreach (var (name, operation) in new[] { ("TR_Inventory_Inserted", "INSERT"), ("TR_Inventory_Updated", "UPDATE") })
            {
                migrationBuilder.Sql($"""
                    CREATE TRIGGER "{name}" AFTER {operation} ON "Inventory"
                    BEGIN
                        INSERT INTO "InventoryChanges" ("RoomTypeId", "Date", "Total", "Sold", "Held", "RateMinor", "Version", "ChangedAtMs")
                        VALUES (NEW."RoomTypeId", NEW."Date", NEW."Total", NEW."Sold", NEW."Held", NEW."RateMinor", NEW."Version",
                                CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
                    END;
                    """);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER "TR_Inventory_Inserted";""");
            migrationBuilder.Sql("""DROP TRIGGER "TR_Inventory_Updated";""");
            migrationBuilder.DropTable(
                name: "InventoryChanges");

            migrationBuilder.DropColumn(
                name: "Version",
                table: "Inventory");
        }
    }
}
