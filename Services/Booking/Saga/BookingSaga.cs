using HotelBooking.Bookings.Data;
using HotelBooking.Bookings.Domain;
using HotelBooking.Services.Shared.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HotelBooking.Bookings.Saga;

/// <summary>
/// Hold → charge → confirm, with the booking's state and next step saved before every remote call that
/// recovery could not otherwise account for: before the hold (the booking exists), before the charge (rooms
/// held, so recovery looks for a charge) and at the end. Every remote call carries a key derived from the
/// booking, so running a step twice (a retry, a restart) is harmless: the hold's request id is the booking
/// id, the charge's key is "booking:{id}"; confirming, refunding and releasing twice change nothing. So a
/// step recovery may repeat (confirm after a captured charge, release after a refund) is saved with the
/// next one instead of before it.
/// </summary>
public sealed class BookingSaga(
    BookingDbContext db,
    IRoomHolds holds,
    IPayments payments,
    BookingTelemetry telemetry,
    TimeProvider time,
    IOptions<SagaOptions> options,
    ILogger<BookingSaga> logger)
{
    /// <summary>This process, as the holder of the leases it takes (a restarted container keeps its host name and pid 1).</summary>
    public static readonly string LeaseOwner =
        $"{Environment.MachineName[..Math.Min(60, Environment.MachineName.Length)]}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    private DateTime UtcNow => time.GetStorableUtcNow();

    /// <summary>The deadline of a saga started now: the caller's, if sooner than <see cref="SagaOptions.Timeout"/>.</summary>
    public DateTime DeadlineFor(DateTime callerDeadline)
    {
        var own = time.GetUtcNow().UtcDateTime + options.Value.Timeout;
        return callerDeadline < own ? callerDeadline : own;
    }

    public static string ChargeKeyFor(Booking booking) => $"booking:{booking.Id}";

    /// <summary>
    /// Runs a new booking to Confirmed, holding its lease from the start; every remote call carries
    /// <paramref name="deadline"/>, which comes before the lease runs out. Rejections that happen before
    /// anything was taken (bad input, no rooms, an unknown token) end the booking Failed with the refusal
    /// kept for replays. A declined card ends it Failed with the rooms given back. When a service does not
    /// answer, the booking is left Pending for recovery.
    /// </summary>
    /// <remarks>
    /// When the booking's idempotency key is taken already, nothing starts: the outcome is
    /// <see cref="BookingOutcome.KeyTaken"/> with the booking the key belongs to.
    /// </remarks>
    public async Task<BookingOutcome> BookAsync(Booking booking, string paymentToken, DateTime deadline, CancellationToken cancellationToken)
    {
        booking.Lease(LeaseOwner, UtcNow + options.Value.Lease);
        if (await InsertAsync(booking, cancellationToken) is { } first)
        {
            return new BookingOutcome.KeyTaken(first);
        }

        try
        {
            return await HoldChargeConfirmAsync(booking, paymentToken, deadline, cancellationToken);
        }
        catch (ServiceUnavailableException ex)
        {
            return new BookingOutcome.Pending(booking, ex);
        }
    }

    /// <summary>
    /// Inserts the booking, or returns the one its key belongs to. Insert first, read only on a conflict: a new
    /// key (nearly every request) costs one statement, and the unique index decides a race between two
    /// requests with one key.
    /// </summary>
    private async Task<Booking?> InsertAsync(Booking booking, CancellationToken cancellationToken)
    {
        db.Bookings.Add(booking);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            db.Entry(booking).State = EntityState.Detached;
            var first = await db.Bookings.AsNoTracking().FirstOrDefaultAsync(b => b.RequestId == booking.RequestId, cancellationToken);
            if (first is null)
            {
                throw; // another key collided (the id): not a retry of this request
            }

            return first;
        }
    }

    private async Task<BookingOutcome> HoldChargeConfirmAsync(Booking booking, string paymentToken, DateTime deadline, CancellationToken cancellationToken)
    {
        var rooms = await holds.TakeAsync(booking, deadline, cancellationToken);
        if (rooms.Refusal is { } roomsRefused)
        {
            return await RefuseAsync(booking, roomsRefused);
        }

        booking.RoomsHeld(rooms.HoldId!, rooms.TotalMinor, rooms.Currency, UtcNow);
        await db.SaveChangesAsync(cancellationToken);

        var charged = await payments.ChargeAsync(ChargeKeyFor(booking), paymentToken, booking.TotalMinor, booking.Currency,
            $"Booking {booking.Reference}", deadline, cancellationToken);
        if (charged.Refusal is { } chargeRefused)
        {
            await ReleaseAsync(booking, deadline, cancellationToken);
            return await RefuseAsync(booking, chargeRefused);
        }

        var charge = charged.Charge!;
        if (!charge.IsCaptured)
        {
            await FailAsync(booking, FailureReason.PaymentDeclined, deadline, cancellationToken);
            BookingLog.Declined(logger, booking.Reference);
            return new BookingOutcome.Declined(booking);
        }

        // Saved with the confirmation, not before it: if the confirm goes unanswered or the process dies here,
        // the stored booking is still at ChargePayment, and recovery finds the captured charge by its key and
        // confirms then. One write less, and nothing that recovery cannot tell.
        booking.PaymentCaptured(charge.PaymentId, UtcNow);
        return await ConfirmAsync(booking, deadline, cancellationToken);
    }

    /// <summary>
    /// Drives a booking whose saga stopped half-way (a crash, a lost answer) to where it must end: forward to
    /// Confirmed when the money was taken, otherwise back to Failed with everything given back.
    /// </summary>
    /// <remarks>The caller holds the booking's lease (see <see cref="SagaRecoveryWorker"/>).</remarks>
    public async Task<BookingOutcome> ResumeAsync(Booking booking, DateTime deadline, CancellationToken cancellationToken)
    {
        var outcome = await ResumeStepAsync(booking, deadline, cancellationToken);
        if (outcome is not BookingOutcome.RoomsGone)
        {
            BookingLog.Resumed(logger, booking.Reference, booking.Status); // recovery reports the rooms gone itself
        }

        return outcome;
    }

    private async Task<BookingOutcome> ResumeStepAsync(Booking booking, DateTime deadline, CancellationToken cancellationToken)
    {
        switch (booking.Step)
        {
            case SagaStep.HoldRooms:
                // The card token is never stored, so a booking that stopped before its charge cannot be charged now.
                await FailAsync(booking, FailureReason.InterruptedBeforePayment, deadline, cancellationToken);
                return new BookingOutcome.Failed(booking);
            case SagaStep.ChargePayment:
                // A charge still on its way cannot land now: its deadline passed before the lease ran out, and
                // payment commits no charge after its deadline.
                var charge = await payments.FindChargeAsync(ChargeKeyFor(booking), deadline, cancellationToken);
                if (charge is { IsCaptured: true })
                {
                    booking.PaymentCaptured(charge.PaymentId, UtcNow);
                    await db.SaveChangesAsync(cancellationToken);
                    return await ConfirmAsync(booking, deadline, cancellationToken);
                }

                await FailAsync(booking, charge is null ? FailureReason.InterruptedBeforePayment : FailureReason.PaymentDeclined,
                    deadline, cancellationToken);
                return new BookingOutcome.Failed(booking);
            case SagaStep.ConfirmHold:
                return await ConfirmAsync(booking, deadline, cancellationToken);
            case SagaStep.RefundPayment or SagaStep.ReleaseHold:
                await CompensateAsync(booking, deadline, cancellationToken);
                return booking.Status == BookingStatus.Cancelled ? new BookingOutcome.Cancelled(booking) : new BookingOutcome.Failed(booking);
            default:
                return booking.Status == BookingStatus.Confirmed ? new BookingOutcome.Confirmed(booking) : new BookingOutcome.Failed(booking);
        }
    }

    private async Task<BookingOutcome> ConfirmAsync(Booking booking, DateTime deadline, CancellationToken cancellationToken)
    {
        if (!await holds.ConfirmAsync(booking.HoldId!, deadline, cancellationToken))
        {
            // The hold expired or was released before confirmation (a very slow saga): give the money back.
            await FailAsync(booking, FailureReason.HoldExpired, deadline, cancellationToken);
            return new BookingOutcome.RoomsGone(booking);
        }

        booking.Confirmed(UtcNow);
        await db.SaveChangesAsync(cancellationToken);
        telemetry.Settled(booking, UtcNow);
        BookingLog.Confirmed(logger, booking.Reference, booking.TotalMinor, booking.Currency);
        return new BookingOutcome.Confirmed(booking);
    }

    /// <summary>Cancels a confirmed booking: refund, then release. Cancelling a cancelled booking finishes or repeats nothing.</summary>
    public async Task<BookingOutcome> CancelAsync(Booking booking, DateTime deadline, CancellationToken cancellationToken)
    {
        if (!IsCancellable(booking))
        {
            return new BookingOutcome.NotCancellable(booking);
        }

        if (booking.Status == BookingStatus.Confirmed)
        {
            booking.Cancel(UtcNow);
            booking.Lease(LeaseOwner, UtcNow + options.Value.Lease);
            await db.SaveChangesAsync(cancellationToken);
        }

        try
        {
            await CompensateAsync(booking, deadline, cancellationToken);
        }
        catch (ServiceUnavailableException ex)
        {
            return new BookingOutcome.Pending(booking, ex); // cancelled; recovery finishes the refund and release
        }

        BookingLog.Cancelled(logger, booking.Reference);
        return new BookingOutcome.Cancelled(booking);
    }

    /// <summary>Whether its guest may cancel it now: confirmed and its stay not begun, or cancelled already.</summary>
    private bool IsCancellable(Booking booking) => booking.Status switch
    {
        BookingStatus.Confirmed => !HasStayBegun(booking),
        BookingStatus.Cancelled => true,
        _ => false,
    };

    private bool HasStayBegun(Booking booking) => booking.CheckIn <= DateOnly.FromDateTime(UtcNow);

    private async Task FailAsync(Booking booking, FailureReason reason, DateTime deadline, CancellationToken cancellationToken)
    {
        booking.Fail(reason, UtcNow);
        await db.SaveChangesAsync(cancellationToken);
        await CompensateAsync(booking, deadline, cancellationToken);
    }

    /// <summary>Gives back what a failed or cancelled booking took, one persisted step at a time.</summary>
    private async Task CompensateAsync(Booking booking, DateTime deadline, CancellationToken cancellationToken)
    {
        if (booking.Step == SagaStep.RefundPayment)
        {
            // Saved with the release: a refund repeated by recovery (the stored step is still RefundPayment)
            // changes nothing.
            await payments.RefundAsync(booking.PaymentId!, deadline, cancellationToken);
            booking.Refunded(UtcNow);
        }

        if (booking.Step == SagaStep.ReleaseHold)
        {
            await ReleaseAsync(booking, deadline, cancellationToken);
            booking.Released(UtcNow);
            await db.SaveChangesAsync(cancellationToken);
            telemetry.Settled(booking, UtcNow);
        }
    }

    private async Task ReleaseAsync(Booking booking, DateTime deadline, CancellationToken cancellationToken)
    {
        // The ledger answers with the state the hold is really in; anything but free rooms is not done.
        var hold = await holds.ReleaseAsync(booking, deadline, cancellationToken);
        if (hold is not (HoldState.Released or HoldState.Expired or HoldState.NeverMade))
        {
            throw new InvalidOperationException($"Releasing the hold of booking {booking.Reference} left it {hold}.");
        }
    }

    /// <summary>Ends a refused booking and keeps the refusal, so the key stays bound to this request and replays it.</summary>
    private async Task<BookingOutcome> RefuseAsync(Booking booking, Refusal refusal)
    {
        booking.Refuse(refusal, UtcNow);
        await db.SaveChangesAsync(CancellationToken.None);
        return new BookingOutcome.Refused(booking, refusal);
    }
}

internal static partial class BookingLog
{
    // Records name a booking by its reference (Booking.Reference), never by its id: the id is the guest's capability.
    [LoggerMessage(Level = LogLevel.Information, Message = "Booking {BookingRef} confirmed: {TotalMinor} {Currency} (minor units)")]
    public static partial void Confirmed(ILogger logger, string bookingRef, long totalMinor, string currency);

    [LoggerMessage(Level = LogLevel.Information, Message = "Booking {BookingRef} failed: payment declined")]
    public static partial void Declined(ILogger logger, string bookingRef);

    [LoggerMessage(Level = LogLevel.Information, Message = "Booking {BookingRef} resumed by recovery: now {Status}")]
    public static partial void Resumed(ILogger logger, string bookingRef, BookingStatus status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Booking {BookingRef} cancelled")]
    public static partial void Cancelled(ILogger logger, string bookingRef);
}
