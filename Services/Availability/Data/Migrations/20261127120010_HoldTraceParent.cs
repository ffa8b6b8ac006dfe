using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HotelBooking.Availability.Data.Migrations
{
    /// <inheritdoc />
    public partial class HoldTraceParent : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "TraceParent",
                table: "Holds",
                type: "TEXT",
                maxLength: 55,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "TraceParent",
                table: "Holds");
        }
    }
}
