using HotelBooking.Services.Shared.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace HotelBooking.Availability.Data;

/// <summary>
/// The same model on PostgreSQL: its own type for its own migrations (Data/Migrations/Postgres). Why two
/// types and two folders: docs/decisions/0002-two-database-providers.md.
/// </summary>
public sealed class AvailabilityPostgresDbContext(DbContextOptions<AvailabilityPostgresDbContext> options) : AvailabilityDbContext(options);

/// <summary>Lets <c>dotnet ef migrations add --context AvailabilityPostgresDbContext</c> build the model without a server.</summary>
internal sealed class AvailabilityPostgresDbContextFactory : IDesignTimeDbContextFactory<AvailabilityPostgresDbContext>
{
    public AvailabilityPostgresDbContext CreateDbContext(string[] args) => new(DesignTime.PostgresOptions<AvailabilityPostgresDbContext>());
}
