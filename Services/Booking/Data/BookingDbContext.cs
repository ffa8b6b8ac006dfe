using HotelBooking.Bookings.Domain;
using HotelBooking.Contracts;
using Microsoft.EntityFrameworkCore;

namespace HotelBooking.Bookings.Data;

/// <summary>The service's model. SQLite uses it as is; <see cref="BookingPostgresDbContext"/> carries PostgreSQL's migrations.</summary>
public class BookingDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<Booking> Bookings => Set<Booking>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Booking>(booking =>
        {
            booking.Property(b => b.Id).HasMaxLength(40);
            // One booking per idempotency key, whichever instance or retry gets there first.
            booking.HasIndex(b => b.RequestId).IsUnique();
            booking.Property(b => b.RequestId).HasMaxLength(RequestIds.MaxLength);
            booking.Property(b => b.RequestFingerprint).HasMaxLength(RequestFingerprint.Length);
            booking.Property(b => b.HotelId).HasMaxLength(64);
            booking.Property(b => b.RoomTypeId).HasMaxLength(64);
            booking.Property(b => b.GuestName).HasMaxLength(200);
            booking.Property(b => b.GuestEmail).HasMaxLength(254);
            booking.Property(b => b.Currency).HasMaxLength(3);
            booking.Property(b => b.Status).HasConversion<string>().HasMaxLength(16);
            booking.Property(b => b.Step).HasConversion<string>().HasMaxLength(16);
            // Recovery looks for unsettled bookings whose lease ran out.
            booking.HasIndex(b => new { b.Step, b.LeaseExpiresAt });
            booking.Property(b => b.LeaseOwner).HasMaxLength(100);
            booking.Property(b => b.Refusal).HasConversion(StoredForms.Refusal).HasMaxLength(4096);
            booking.Property(b => b.Version).IsConcurrencyToken();
            booking.Property(b => b.HoldId).HasMaxLength(40);
            booking.Property(b => b.PaymentId).HasMaxLength(40);
            booking.Property(b => b.FailureReason).HasConversion(StoredForms.FailureReason).HasMaxLength(200);
            booking.Property(b => b.TraceParent).HasMaxLength(55);
        });
    }
}
