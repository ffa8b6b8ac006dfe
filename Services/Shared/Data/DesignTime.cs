using Microsoft.EntityFrameworkCore;

namespace HotelBooking.Services.Shared.Data;

/// <summary>
/// Options for a service's <c>IDesignTimeDbContextFactory</c>: <c>dotnet ef migrations add</c> builds the
/// PostgreSQL model from them without a server (docs/decisions/0002-two-database-providers.md).
/// </summary>
public static class DesignTime
{
    public static DbContextOptions<TContext> PostgresOptions<TContext>() where TContext : DbContext =>
        new DbContextOptionsBuilder<TContext>().UseNpgsql("Host=localhost;Database=design-time").Options;
}
