using HotelBooking.Services.Shared.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace HotelBooking.Bookings.Data;

/// <summary>
/// The same model on PostgreSQL: its own type for its own migrations (Data/Migrations/Postgres). Why two
/// types and two folders: docs/decisions/0002-two-database-providers.md.
/// </summary>
public sealed class BookingPostgresDbContext(DbContextOptions<BookingPostgresDbContext> options) : BookingDbContext(options);

/// <summary>Lets <c>dotnet ef migrations add --context BookingPostgresDbContext</c> build the model without a server.</summary>
internal sealed class BookingPostgresDbContextFactory : IDesignTimeDbContextFactory<BookingPostgresDbContext>
{
    public BookingPostgresDbContext CreateDbContext(string[] args) => new(DesignTime.PostgresOptions<BookingPostgresDbContext>());
}
