using HotelBooking.Contracts;
using HotelBooking.Payments.Domain;
using Microsoft.EntityFrameworkCore;

namespace HotelBooking.Payments.Data;

/// <summary>The service's model. SQLite uses it as is; <see cref="PaymentPostgresDbContext"/> carries PostgreSQL's migrations.</summary>
public class PaymentDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<Payment> Payments => Set<Payment>();

    /// <summary>
    /// Refunds a captured payment and returns it, in one statement (<c>UPDATE … RETURNING</c>, on both
    /// providers): it moves only from Captured, so two refunds at once cannot both take it. Refunding a refunded
    /// payment changes nothing (it keeps its first refund's time) and returns it too. Null when the payment is
    /// unknown or cannot be refunded (declined).
    /// </summary>
    public async Task<Payment?> RefundAsync(string paymentId, DateTime now, CancellationToken cancellationToken)
    {
        string captured = nameof(PaymentStatus.Captured), refunded = nameof(PaymentStatus.Refunded);
        // Run as written, never composed on (a LINQ operator here would wrap the UPDATE in a SELECT).
        var rows = await Payments.FromSql($"""
            UPDATE "Payments" SET "Status" = {refunded}, "RefundedAt" = COALESCE("RefundedAt", {now})
            WHERE "Id" = {paymentId} AND "Status" IN ({captured}, {refunded})
            RETURNING *
            """).AsNoTracking().ToListAsync(cancellationToken);
        return rows.SingleOrDefault();
    }

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
