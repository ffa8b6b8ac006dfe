using HotelBooking.Contracts;
using HotelBooking.Payments.Domain;
using Microsoft.EntityFrameworkCore;

namespace HotelBooking.Payments.Data;

/// <summary>The service's model. SQLite uses it as is; <see cref="PaymentPostgresDbContext"/> carries PostgreSQL's migrations.</summary>
public class PaymentDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<Payment> Payments => Set<Payment>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Payment>(payment =>
        {
            payment.HasKey(p => p.Id);
            payment.Property(p => p.Id).HasMaxLength(40);
            // The unique key is what makes a charge idempotent across retries and instances.
            payment.HasIndex(p => p.RequestId).IsUnique();
            payment.Property(p => p.RequestId).HasMaxLength(RequestIds.MaxLength);
            payment.Property(p => p.RequestFingerprint).HasMaxLength(RequestFingerprint.Length);
            payment.Property(p => p.Currency).HasMaxLength(3);
            payment.Property(p => p.Status).HasConversion<string>().HasMaxLength(16);
            payment.Property(p => p.CardDescription).HasMaxLength(100);
            payment.Property(p => p.DeclineReason).HasMaxLength(100);
        });
    }
}
