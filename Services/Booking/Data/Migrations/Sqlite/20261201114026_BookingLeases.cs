using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HotelBooking.Bookings.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class BookingLeases : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Bookings_Step_UpdatedAt",
                table: "Bookings");

            migrationBuilder.AddColumn<DateTime>(
                name: "LeaseExpiresAt",
                table: "Bookings",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LeaseOwner",
                table: "Bookings",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ParkedAt",
                table: "Bookings",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "RecoveryAttempts",
                table: "Bookings",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<byte[]>(
                name: "Refusal",
                table: "Bookings",
                type: "BLOB",
                maxLength: 4096,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Bookings_Step_LeaseExpiresAt",
                table: "Bookings",
                columns: new[] { "Step", "LeaseExpiresAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Bookings_Step_LeaseExpiresAt",
                table: "Bookings");

            migrationBuilder.DropColumn(
                name: "LeaseExpiresAt",
                table: "Bookings");

            migrationBuilder.DropColumn(
                name: "LeaseOwner",
                table: "Bookings");

            migrationBuilder.DropColumn(
                name: "ParkedAt",
                table: "Bookings");

            migrationBuilder.DropColumn(
                name: "RecoveryAttempts",
                table: "Bookings");

            migrationBuilder.DropColumn(
                name: "Refusal",
                table: "Bookings");

            migrationBuilder.CreateIndex(
                name: "IX_Bookings_Step_UpdatedAt",
                table: "Bookings",
                columns: new[] { "Step", "UpdatedAt" });
        }
    }
}
