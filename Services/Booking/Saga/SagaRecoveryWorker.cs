using HotelBooking.Bookings.Data;
using HotelBooking.Bookings.Domain;
using HotelBooking.Contracts;
using HotelBooking.ServiceDefaults.Telemetry;
using HotelBooking.Services.Shared.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HotelBooking.Bookings.Saga;

/// <summary>
/// At start-up and then periodically, takes over every unsettled booking whose lease ran out (its process
/// died, or its saga gave up at its deadline) and drives it to Confirmed or Failed. Taking the lease is a
/// version-guarded save, so with several instances exactly one drives a booking at a time. A booking that
/// cannot be moved waits longer after each failure, and after <see cref="SagaOptions.MaxRecoveryAttempts"/>
/// it is parked for an operator instead of retried forever.
/// </summary>
public sealed class SagaRecoveryWorker(
    IServiceScopeFactory scopes,
    TimeProvider time,
    IOptions<SagaOptions> options,
    BookingTelemetry telemetry,
    ILogger<SagaRecoveryWorker> logger) : BackgroundService
{
    private const int BatchSize = 50;

    private DateTime UtcNow => time.GetStorableUtcNow();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RecoveryInterval, time);
        do
        {
            try
            {
                await RecoverStaleBookingsAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                RecoveryLog.PassFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One pass: resumes up to a batch of unattended bookings, each in its own scope. Returns how many settled.</summary>
    public async Task<int> RecoverStaleBookingsAsync(CancellationToken cancellationToken)
    {
        var now = UtcNow;
        var leasedBeforeLeases = now - options.Value.Lease;
        List<string> unattended;
        await using (var scope = scopes.CreateAsyncScope())
        {
            unattended = await scope.ServiceProvider.GetRequiredService<BookingDbContext>().Bookings
                .Where(b => b.Step != SagaStep.Done && b.ParkedAt == null
                    && (b.LeaseExpiresAt == null ? b.UpdatedAt <= leasedBeforeLeases : b.LeaseExpiresAt <= now))
                .OrderBy(b => b.LeaseExpiresAt)
                .Select(b => b.Id)
                .Take(BatchSize)
                .ToListAsync(cancellationToken);
        }

        var settled = 0;
        foreach (var bookingId in unattended)
        {
            if (await TryRecoverAsync(bookingId, cancellationToken))
            {
                settled++;
            }
        }

        return settled;
    }

    private async Task<bool> TryRecoverAsync(string bookingId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
        Booking booking;
        try
        {
            booking = await db.Bookings.FirstAsync(b => b.Id == bookingId, cancellationToken);
            if (!await TryTakeLeaseAsync(db, booking, cancellationToken))
            {
                return false;
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The database failed us for this booking; the others of the pass still get their turn.
            RecoveryLog.LeaseNotTaken(logger, ex, BookingReference.For(bookingId));
            return false;
        }

        using var trace = BookingTelemetry.Source.StartLinkedRoot("booking recover", booking.TraceParent);
        trace.Activity?.SetTag("hotelbooking.booking.ref", booking.Reference);
        trace.Activity?.SetTag("hotelbooking.booking.step", booking.Step.ToString());
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.Timeout);
        var saga = scope.ServiceProvider.GetRequiredService<BookingSaga>();

        try
        {
            if (await saga.ResumeAsync(booking, saga.DeadlineFor(DateTime.MaxValue), timeout.Token) is BookingOutcome.RoomsGone)
            {
                RecoveryLog.SettledRoomsGone(logger, booking.Reference);
            }
        }
        catch (DbUpdateConcurrencyException)
        {
            // Someone else took the lease after ours ran out; it is theirs now.
            return false;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Whatever went wrong with this booking, the others of the pass still get their turn.
            await BackOffAsync(bookingId, ex, cancellationToken);
            return false;
        }

        trace.Activity?.SetTag("hotelbooking.booking.status", booking.Status.ToString());
        return booking.IsSettled;
    }

    /// <summary>Takes the booking's lease if nobody holds it: a save guarded by its version, so one taker wins.</summary>
    private async Task<bool> TryTakeLeaseAsync(BookingDbContext db, Booking booking, CancellationToken cancellationToken)
    {
        var now = UtcNow;
        if (!booking.IsUnattendedAt(now, options.Value.Lease))
        {
            return false;
        }

        booking.Lease(BookingSaga.LeaseOwner, now + options.Value.Lease);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
    }

    /// <summary>Keeps the lease until the next try, further away after each failure; parks the booking after the last.</summary>
    private async Task BackOffAsync(string bookingId, Exception failure, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
        var booking = await db.Bookings.FirstAsync(b => b.Id == bookingId, cancellationToken);
        if (booking.IsSettled || booking.LeaseOwner != BookingSaga.LeaseOwner)
        {
            return; // settled after all, or someone else took it over
        }

        var now = UtcNow;
        booking.RecoveryFailed(now + options.Value.BackoffAfter(booking.RecoveryAttempts + 1));
        if (booking.RecoveryAttempts >= options.Value.MaxRecoveryAttempts)
        {
            booking.Park(now);
            telemetry.Parked(booking);
            RecoveryLog.Parked(logger, failure, booking.Reference, booking.Step, booking.RecoveryAttempts);
        }
        else
        {
            RecoveryLog.StillStuck(logger, failure, booking.Reference, booking.Step, booking.RecoveryAttempts, booking.LeaseExpiresAt!.Value);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Moved meanwhile by whoever took it over.
        }
    }
}

internal static partial class RecoveryLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Recovery settled booking {BookingRef} as failed: its hold had expired, so the charge was refunded")]
    public static partial void SettledRoomsGone(ILogger logger, string bookingRef);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recovery could not move booking {BookingRef} past {Step} (attempt {Attempts}); next try after {RetryAt:O}")]
    public static partial void StillStuck(ILogger logger, Exception exception, string bookingRef, SagaStep step, int attempts, DateTime retryAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Recovery gave up on booking {BookingRef} at {Step} after {Attempts} attempts; it is parked for an operator")]
    public static partial void Parked(ILogger logger, Exception exception, string bookingRef, SagaStep step, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recovery could not take the lease of booking {BookingRef}; trying again next pass")]
    public static partial void LeaseNotTaken(ILogger logger, Exception exception, string bookingRef);

    [LoggerMessage(Level = LogLevel.Error, Message = "A saga recovery pass failed; retrying next pass")]
    public static partial void PassFailed(ILogger logger, Exception exception);
}
