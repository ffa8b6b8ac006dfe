using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HotelBooking.Payments.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RequestIdForIdempotencyKey : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.RenameColumn(
                name: "IdempotencyKey",
                table: "Payments",
                newName: "RequestId");

            migrationBuilder.RenameIndex(
                name: "IX_Payments_IdempotencyKey",
                table: "Payments",
                newName: "IX_Payments_RequestId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.RenameColumn(
                name: "RequestId",
                table: "Payments",
                newName: "IdempotencyKey");

            migrationBuilder.RenameIndex(
                name: "IX_Payments_RequestId",
                table: "Payments",
                newName: "IX_Payments_IdempotencyKey");
        }
    }
}
