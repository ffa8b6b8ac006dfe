using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace HotelBooking.Availability.Data;

/// <summary>
/// The same model on PostgreSQL. EF Core keeps one migration history per context type, so each provider
/// gets its own type and its own folder of migrations (Data/Migrations/Sqlite, Data/Migrations/Postgres).
/// </summary>
public sealed class AvailabilityPostgresDbContext(DbContextOptions<AvailabilityPostgresDbContext> options) : AvailabilityDbContext(options);

/// <summary>Lets <c>dotnet ef migrations add --context AvailabilityPostgresDbContext</c> build the model without a server.</summary>
internal sealed class AvailabilityPostgresDbContextFactory : IDesignTimeDbContextFactory<AvailabilityPostgresDbContext>
{
    public AvailabilityPostgresDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<AvailabilityPostgresDbContext>().UseNpgsql("Host=localhost;Database=design-time").Options);
}
