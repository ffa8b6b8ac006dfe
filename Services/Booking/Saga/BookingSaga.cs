using HotelBooking.Services.Shared.Data;
using Grpc.Core;
using HotelBooking.Bookings.Data;
using HotelBooking.Bookings.Domain;
using HotelBooking.Contracts;
using HotelBooking.Contracts.Common.V1;
using HotelBooking.Services.Shared.Faults;
using HotelBooking.Services.Shared.Grpc;
using Google.Protobuf;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using AvailabilityProto = HotelBooking.Contracts.Availability.V1;
using PaymentProto = HotelBooking.Contracts.Payment.V1;

namespace HotelBooking.Bookings.Saga;

/// <summary>
/// Hold → charge → confirm, with the booking's state and next step saved before every remote call.
/// Every remote call carries a key derived from the booking, so running a step twice (a retry, a
/// restart) is harmless: the hold's request id is the booking id, the charge's key is "booking:{id}".
/// </summary>
public sealed class BookingSaga(
    BookingDbContext db,
    AvailabilityProto.AvailabilityService.AvailabilityServiceClient availability,
    PaymentProto.PaymentService.PaymentServiceClient payments,
    FaultInjector faults,
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

    /// <summary>Test-only crash point (armed through /_faults outside Production): dies with the charge captured but the hold unconfirmed.</summary>
    public const string CrashAfterCharge = "after-charge";

    public const string DeclinedReason = "Payment declined";

    public static string ChargeKeyFor(Booking booking) => $"booking:{booking.Id}";

    /// <summary>
    /// Runs a new booking to Confirmed, holding its lease from the start; every remote call carries
    /// <paramref name="deadline"/>, which comes before the lease runs out. Rejections that happen before
    /// anything was taken (bad input, no rooms, an unknown token) end the booking Failed with the refusal
    /// kept for replays, and rethrow. A declined card leaves a Failed booking and throws PAYMENT_DECLINED
    /// carrying its id.
    /// </summary>
    public async Task<Booking> BookAsync(Booking booking, string paymentToken, DateTime deadline, CancellationToken cancellationToken)
    {
        booking.Lease(LeaseOwner, UtcNow + options.Value.Lease);
        db.Bookings.Add(booking);
        await db.SaveChangesAsync(cancellationToken);

        AvailabilityProto.Hold hold;
        try
        {
            hold = (await availability.CreateHoldAsync(new AvailabilityProto.CreateHoldRequest
            {
                RequestId = booking.Id,
                HotelId = booking.HotelId,
                RoomTypeId = booking.RoomTypeId,
                CheckIn = booking.CheckIn.ToProtoDate(),
                CheckOut = booking.CheckOut.ToProtoDate(),
                Guests = booking.Guests,
                Rooms = 1,
            }, deadline: deadline, cancellationToken: cancellationToken)).Hold;
        }
        catch (RpcException ex) when (IsRejection(ex.StatusCode))
        {
            await RefuseAsync(booking, ex);
            throw;
        }

        booking.RoomsHeld(hold.HoldId, hold.TotalPrice.AmountMinor, hold.TotalPrice.CurrencyCode, UtcNow);
        await db.SaveChangesAsync(cancellationToken);

        PaymentProto.Payment payment;
        try
        {
            payment = (await payments.ChargeAsync(new PaymentProto.ChargeRequest
            {
                IdempotencyKey = ChargeKeyFor(booking),
                PaymentToken = paymentToken,
                Amount = Money.FromMinor(booking.TotalMinor, booking.Currency),
                Description = $"Booking {booking.Reference}",
            }, deadline: deadline, cancellationToken: cancellationToken)).Payment;
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.InvalidArgument)
        {
            await ReleaseAsync(booking, deadline, cancellationToken);
            await RefuseAsync(booking, ex);
            throw;
        }

        if (payment.Status != PaymentProto.PaymentStatus.Captured)
        {
            await FailAsync(booking, DeclinedReason, deadline, cancellationToken);
            BookingLog.Declined(logger, booking.Reference);
            RpcErrors.FailedPrecondition(ErrorReasons.PaymentDeclined, "The card was declined; no money was taken.",
                new Dictionary<string, string> { [ErrorReasons.BookingIdMetadata] = booking.Id });
        }

        booking.PaymentCaptured(payment.PaymentId, UtcNow);
        await db.SaveChangesAsync(cancellationToken);
        if (faults.ShouldCrashAt(CrashAfterCharge))
        {
            Environment.FailFast("Fault injection: crashing between charge and confirm.");
        }

        await ConfirmAsync(booking, deadline, cancellationToken);
        return booking;
    }

    /// <summary>
    /// Drives a booking whose saga stopped half-way (a crash, a lost answer) to where it must end: forward to
    /// Confirmed when the money was taken, otherwise back to Failed with everything given back.
    /// </summary>
    /// <remarks>The caller holds the booking's lease (see <see cref="SagaRecoveryWorker"/>).</remarks>
    public async Task ResumeAsync(Booking booking, DateTime deadline, CancellationToken cancellationToken)
    {
        switch (booking.Step)
        {
            case SagaStep.HoldRooms:
                // The card token is never stored, so a booking that stopped before its charge cannot be charged now.
                await FailAsync(booking, "Interrupted before payment", deadline, cancellationToken);
                break;
            case SagaStep.ChargePayment:
                // A charge still on its way cannot land now: its deadline passed before the lease ran out, and
                // payment commits no charge after its deadline.
                var payment = await FindChargeAsync(booking, deadline, cancellationToken);
                if (payment?.Status is PaymentProto.PaymentStatus.Captured)
                {
                    booking.PaymentCaptured(payment.PaymentId, UtcNow);
                    await db.SaveChangesAsync(cancellationToken);
                    await ConfirmAsync(booking, deadline, cancellationToken);
                }
                else
                {
                    await FailAsync(booking, payment is null ? "Interrupted before payment" : DeclinedReason, deadline, cancellationToken);
                }

                break;
            case SagaStep.ConfirmHold:
                await ConfirmAsync(booking, deadline, cancellationToken);
                break;
            case SagaStep.RefundPayment or SagaStep.ReleaseHold:
                await CompensateAsync(booking, deadline, cancellationToken);
                break;
        }

        BookingLog.Resumed(logger, booking.Reference, booking.Status);
    }

    private async Task ConfirmAsync(Booking booking, DateTime deadline, CancellationToken cancellationToken)
    {
        try
        {
            await availability.ConfirmHoldAsync(new() { HoldId = booking.HoldId }, deadline: deadline, cancellationToken: cancellationToken);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.FailedPrecondition)
        {
            // The hold expired or was released before confirmation (a very slow saga): give the money back.
            await FailAsync(booking, "Hold expired before confirmation", deadline, cancellationToken);
            RpcErrors.FailedPrecondition(ErrorReasons.RoomsUnavailable, "The rooms were no longer held; the payment was refunded.",
                new Dictionary<string, string> { [ErrorReasons.BookingIdMetadata] = booking.Id });
        }

        booking.Confirmed(UtcNow);
        await db.SaveChangesAsync(cancellationToken);
        telemetry.Settled(booking, UtcNow);
        BookingLog.Confirmed(logger, booking.Reference, booking.TotalMinor, booking.Currency);
    }

    private async Task<PaymentProto.Payment?> FindChargeAsync(Booking booking, DateTime deadline, CancellationToken cancellationToken)
    {
        try
        {
            return (await payments.GetPaymentAsync(new() { IdempotencyKey = ChargeKeyFor(booking) },
                deadline: deadline, cancellationToken: cancellationToken)).Payment;
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Cancels a confirmed booking: refund, then release. Cancelling a cancelled booking finishes or repeats nothing.</summary>
    public async Task<Booking> CancelAsync(Booking booking, DateTime deadline, CancellationToken cancellationToken)
    {
        if (booking.Status == BookingStatus.Confirmed && booking.CheckIn <= DateOnly.FromDateTime(UtcNow))
        {
            RpcErrors.FailedPrecondition(ErrorReasons.BookingNotCancellable,
                $"The booking's stay began on {booking.CheckIn:yyyy-MM-dd}; a stay that has begun cannot be cancelled.");
        }

        if (booking.Status == BookingStatus.Confirmed)
        {
            booking.Cancel(UtcNow);
            booking.Lease(LeaseOwner, UtcNow + options.Value.Lease);
            await db.SaveChangesAsync(cancellationToken);
        }
        else if (booking.Status != BookingStatus.Cancelled)
        {
            RpcErrors.FailedPrecondition(ErrorReasons.BookingNotCancellable,
                $"The booking is {booking.Status}; only a confirmed booking can be cancelled.");
        }

        await CompensateAsync(booking, deadline, cancellationToken);
        BookingLog.Cancelled(logger, booking.Reference);
        return booking;
    }

    private async Task FailAsync(Booking booking, string reason, DateTime deadline, CancellationToken cancellationToken)
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
            await payments.RefundAsync(new() { PaymentId = booking.PaymentId }, deadline: deadline, cancellationToken: cancellationToken);
            booking.Refunded(UtcNow);
            await db.SaveChangesAsync(cancellationToken);
        }

        if (booking.Step == SagaStep.ReleaseHold)
        {
            await ReleaseAsync(booking, deadline, cancellationToken);
            booking.Released(UtcNow);
            await db.SaveChangesAsync(cancellationToken);
            telemetry.Settled(booking, UtcNow);
        }
    }

    /// <summary>Gives the booking's rooms back, by the hold's id or, when it was never learned, by the booking id it was made with.</summary>
    private async Task ReleaseAsync(Booking booking, DateTime deadline, CancellationToken cancellationToken)
    {
        var release = booking.HoldId is not null
            ? new AvailabilityProto.ReleaseHoldRequest { HoldId = booking.HoldId }
            : new AvailabilityProto.ReleaseHoldRequest { RequestId = booking.Id };
        AvailabilityProto.Hold hold;
        try
        {
            hold = (await availability.ReleaseHoldAsync(release, deadline: deadline, cancellationToken: cancellationToken)).Hold;
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound && booking.HoldId is null)
        {
            return; // No hold was ever made for it: nothing to give back.
        }

        // The ledger answers with the state the hold is really in; anything but free rooms is not done.
        if (hold.Status is not (AvailabilityProto.HoldStatus.Released or AvailabilityProto.HoldStatus.Expired))
        {
            throw new InvalidOperationException($"Releasing the hold of booking {booking.Reference} left it {hold.Status}.");
        }
    }

    /// <summary>Ends a refused booking and keeps the refusal, so the key stays bound to this request and replays it.</summary>
    private async Task RefuseAsync(Booking booking, RpcException refusal)
    {
        var status = refusal.GetRpcStatus() ?? new Google.Rpc.Status { Code = (int)refusal.StatusCode, Message = refusal.Status.Detail };
        booking.Refuse($"Refused: {refusal.StatusCode}", status.ToByteArray(), UtcNow);
        await db.SaveChangesAsync(CancellationToken.None);
    }

    /// <summary>The downstream refused the request itself (as opposed to failing to answer): nothing was taken.</summary>
    private static bool IsRejection(StatusCode code) =>
        code is StatusCode.InvalidArgument or StatusCode.NotFound or StatusCode.FailedPrecondition or StatusCode.OutOfRange;
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
