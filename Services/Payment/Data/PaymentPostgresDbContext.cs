using HotelBooking.Services.Shared.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace HotelBooking.Payments.Data;

/// <summary>
/// The same model on PostgreSQL: its own type for its own migrations (Data/Migrations/Postgres). Why two
/// types and two folders: docs/decisions/0002-two-database-providers.md.
/// </summary>
public sealed class PaymentPostgresDbContext(DbContextOptions<PaymentPostgresDbContext> options) : PaymentDbContext(options);

/// <summary>Lets <c>dotnet ef migrations add --context PaymentPostgresDbContext</c> build the model without a server.</summary>
internal sealed class PaymentPostgresDbContextFactory : IDesignTimeDbContextFactory<PaymentPostgresDbContext>
{
    public PaymentPostgresDbContext CreateDbContext(string[] args) => new(DesignTime.PostgresOptions<PaymentPostgresDbContext>());
}
