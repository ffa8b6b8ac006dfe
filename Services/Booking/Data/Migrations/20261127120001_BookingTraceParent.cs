using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HotelBooking.Bookings.Data.Migrations
{
    /// <inheritdoc />
    public partial class BookingTraceParent : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "TraceParent",
                table: "Bookings",
                type: "TEXT",
                maxLength: 55,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "TraceParent",
                table: "Bookings");
        }
    }
}
