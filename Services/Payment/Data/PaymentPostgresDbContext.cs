using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace HotelBooking.Payments.Data;

/// <summary>
/// The same model on PostgreSQL. EF Core keeps one migration history per context type, so each provider
/// gets its own type and its own folder of migrations (Data/Migrations/Sqlite, Data/Migrations/Postgres).
/// </summary>
public sealed class PaymentPostgresDbContext(DbContextOptions<PaymentPostgresDbContext> options) : PaymentDbContext(options);

/// <summary>Lets <c>dotnet ef migrations add --context PaymentPostgresDbContext</c> build the model without a server.</summary>
internal sealed class PaymentPostgresDbContextFactory : IDesignTimeDbContextFactory<PaymentPostgresDbContext>
{
    public PaymentPostgresDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PaymentPostgresDbContext>().UseNpgsql("Host=localhost;Database=design-time").Options);
}
