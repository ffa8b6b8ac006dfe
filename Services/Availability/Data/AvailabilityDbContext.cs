using HotelBooking.Availability.Domain;
using HotelBooking.Availability.ReadModel;
using Microsoft.EntityFrameworkCore;

namespace HotelBooking.Availability.Data;

/// <summary>The service's model. SQLite uses it as is; <see cref="AvailabilityPostgresDbContext"/> carries PostgreSQL's migrations.</summary>
public class AvailabilityDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<Hotel> Hotels => Set<Hotel>();
    public DbSet<RoomType> RoomTypes => Set<RoomType>();
    public DbSet<InventoryNight> Inventory => Set<InventoryNight>();
    public DbSet<Hold> Holds => Set<Hold>();
    /// <summary>Written only by the triggers on Inventory (migration AddChangeLog); read by the read model.</summary>
    public DbSet<InventoryChange> InventoryChanges => Set<InventoryChange>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Hotel>(hotel =>
        {
            hotel.Property(h => h.Id).HasMaxLength(64);
            hotel.Property(h => h.Name).HasMaxLength(200);
            hotel.Property(h => h.City).HasMaxLength(100);
            hotel.Property(h => h.Currency).HasMaxLength(3);
            hotel.HasMany(h => h.RoomTypes).WithOne().HasForeignKey(r => r.HotelId);
        });

        modelBuilder.Entity<RoomType>(roomType =>
        {
            roomType.Property(r => r.Id).HasMaxLength(64);
            roomType.Property(r => r.Name).HasMaxLength(200);
        });

        modelBuilder.Entity<InventoryNight>(night =>
        {
            night.HasKey(n => new { n.RoomTypeId, n.Date });
            night.Ignore(n => n.Free);
            night.HasOne<RoomType>().WithMany().HasForeignKey(n => n.RoomTypeId);
            // The database refuses what the conditional updates are written to avoid.
            night.ToTable(t => t.HasCheckConstraint("CK_Inventory_NotOversold", "\"Sold\" + \"Held\" <= \"Total\" AND \"Sold\" >= 0 AND \"Held\" >= 0"));
        });

        modelBuilder.Entity<Hold>(hold =>
        {
            hold.Property(h => h.Id).HasMaxLength(40);
            hold.Property(h => h.RequestId).HasMaxLength(200);
            hold.HasIndex(h => h.RequestId).IsUnique();
            hold.HasIndex(h => new { h.Status, h.ExpiresAt });
            hold.Property(h => h.HotelId).HasMaxLength(64);
            hold.Property(h => h.RoomTypeId).HasMaxLength(64);
            hold.Property(h => h.Currency).HasMaxLength(3);
            hold.Property(h => h.Status).HasConversion<string>().HasMaxLength(16);
            hold.Ignore(h => h.Stay);
            hold.Property(h => h.TraceParent).HasMaxLength(55);
        });

        modelBuilder.Entity<InventoryChange>(change =>
        {
            change.Property(c => c.Id).ValueGeneratedOnAdd();
            change.Property(c => c.RoomTypeId).HasMaxLength(64);
            change.HasIndex(c => c.ChangedAtMs);
        });
    }
}
