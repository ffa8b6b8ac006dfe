using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace HotelBooking.Bookings.Data;

/// <summary>
/// The same model on PostgreSQL. EF Core keeps one migration history per context type, so each provider
/// gets its own type and its own folder of migrations (Data/Migrations/Sqlite, Data/Migrations/Postgres).
/// </summary>
public sealed class BookingPostgresDbContext(DbContextOptions<BookingPostgresDbContext> options) : BookingDbContext(options);

/// <summary>Lets <c>dotnet ef migrations add --context BookingPostgresDbContext</c> build the model without a server.</summary>
internal sealed class BookingPostgresDbContextFactory : IDesignTimeDbContextFactory<BookingPostgresDbContext>
{
    public BookingPostgresDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<BookingPostgresDbContext>().UseNpgsql("Host=localhost;Database=design-time").Options);
}
