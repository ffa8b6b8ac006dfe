using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HotelBooking.Bookings.Data.Migrations
{
    /// <inheritdoc />
    public partial class SagaVersionAndRecoveryIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Bookings_Step",
                table: "Bookings");

            migrationBuilder.AddColumn<int>(
                name: "Version",
                table: "Bookings",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateIndex(
                name: "IX_Bookings_Step_UpdatedAt",
                table: "Bookings",
                columns: new[] { "Step", "UpdatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Bookings_Step_UpdatedAt",
                table: "Bookings");

            migrationBuilder.DropColumn(
                name: "Version",
                table: "Bookings");

            migrationBuilder.CreateIndex(
                name: "IX_Bookings_Step",
                table: "Bookings",
                column: "Step");
        }
    }
}
