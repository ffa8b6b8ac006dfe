using HotelBooking.ServiceDefaults.Data;
using Grpc.Core;
using HotelBooking.Bookings.Data;
using HotelBooking.Bookings.Domain;
using HotelBooking.Contracts;
using HotelBooking.Contracts.Common.V1;
using HotelBooking.ServiceDefaults.Faults;
using HotelBooking.ServiceDefaults.Grpc;
using Microsoft.EntityFrameworkCore;
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
    ILogger<BookingSaga> logger)
{
    private DateTime UtcNow => time.GetStorableUtcNow();

    /// <summary>Test-only crash point (armed through /_faults outside Production): dies with the charge captured but the hold unconfirmed.</summary>
    public const string CrashAfterCharge = "after-charge";

    public const string DeclinedReason = "Payment declined";

    public static string ChargeKeyFor(Booking booking) => $"booking:{booking.Id}";

    /// <summary>
    /// Runs a new booking to Confirmed. Rejections that happen before anything was taken (bad input, no
    /// rooms, an unknown token) delete the attempt and rethrow: a refused request leaves no trace.
    /// A declined card leaves a Failed booking and throws PAYMENT_DECLINED carrying its id.
    /// </summary>
    public async Task<Booking> BookAsync(Booking booking, string paymentToken, CancellationToken cancellationToken)
    {
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
            }, cancellationToken: cancellationToken)).Hold;
        }
        catch (RpcException ex) when (IsRejection(ex.StatusCode))
        {
            await ForgetAsync(booking);
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
                Description = $"Booking {booking.Id}",
            }, cancellationToken: cancellationToken)).Payment;
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.InvalidArgument)
        {
            await availability.ReleaseHoldAsync(new() { HoldId = booking.HoldId }, cancellationToken: cancellationToken);
            await ForgetAsync(booking);
            throw;
        }

        if (payment.Status != PaymentProto.PaymentStatus.Captured)
        {
            await FailAsync(booking, DeclinedReason, cancellationToken);
            BookingLog.Declined(logger, booking.Id);
            RpcErrors.FailedPrecondition(ErrorReasons.PaymentDeclined, "The card was declined; no money was taken.",
                new Dictionary<string, string> { [ErrorReasons.BookingIdMetadata] = booking.Id });
        }

        booking.PaymentCaptured(payment.PaymentId, UtcNow);
        await db.SaveChangesAsync(cancellationToken);
        if (faults.ShouldCrashAt(CrashAfterCharge))
        {
            Environment.FailFast("Fault injection: crashing between charge and confirm.");
        }

        await ConfirmAsync(booking, cancellationToken);
        return booking;
    }

    /// <summary>
    /// Drives a booking whose saga stopped half-way (a crash, a lost answer) to where it must end: forward to
    /// Confirmed when the money was taken, otherwise back to Failed with everything given back.
    /// </summary>
    public async Task ResumeAsync(Booking booking, CancellationToken cancellationToken)
    {
        switch (booking.Step)
        {
            case SagaStep.HoldRooms:
                // The card token is never stored, so a booking that stopped before its charge cannot be charged now.
                await FailAsync(booking, "Interrupted before payment", cancellationToken);
                break;
            case SagaStep.ChargePayment:
                var payment = await FindChargeAsync(booking, cancellationToken);
                if (payment?.Status is PaymentProto.PaymentStatus.Captured)
                {
                    booking.PaymentCaptured(payment.PaymentId, UtcNow);
                    await db.SaveChangesAsync(cancellationToken);
                    await ConfirmAsync(booking, cancellationToken);
                }
                else
                {
                    await FailAsync(booking, payment is null ? "Interrupted before payment" : DeclinedReason, cancellationToken);
                }

                break;
            case SagaStep.ConfirmHold:
                await ConfirmAsync(booking, cancellationToken);
                break;
            case SagaStep.RefundPayment or SagaStep.ReleaseHold:
                await CompensateAsync(booking, cancellationToken);
                break;
        }

        BookingLog.Resumed(logger, booking.Id, booking.Status);
    }

    private async Task ConfirmAsync(Booking booking, CancellationToken cancellationToken)
    {
        try
        {
            await availability.ConfirmHoldAsync(new() { HoldId = booking.HoldId }, cancellationToken: cancellationToken);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.FailedPrecondition)
        {
            // The hold expired before confirmation (a very slow saga): give the money back.
            await FailAsync(booking, "Hold expired before confirmation", cancellationToken);
            RpcErrors.FailedPrecondition(ErrorReasons.RoomsUnavailable, "The rooms were no longer held; the payment was refunded.",
                new Dictionary<string, string> { [ErrorReasons.BookingIdMetadata] = booking.Id });
        }

        booking.Confirmed(UtcNow);
        await db.SaveChangesAsync(cancellationToken);
        telemetry.Settled(booking, UtcNow);
        BookingLog.Confirmed(logger, booking.Id, booking.TotalMinor, booking.Currency);
    }

    private async Task<PaymentProto.Payment?> FindChargeAsync(Booking booking, CancellationToken cancellationToken)
    {
        try
        {
            return (await payments.GetPaymentAsync(new() { IdempotencyKey = ChargeKeyFor(booking) },
                cancellationToken: cancellationToken)).Payment;
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Cancels a confirmed booking: refund, then release. Cancelling a cancelled booking finishes or repeats nothing.</summary>
    public async Task<Booking> CancelAsync(Booking booking, CancellationToken cancellationToken)
    {
        if (booking.Status == BookingStatus.Confirmed && booking.CheckIn <= DateOnly.FromDateTime(UtcNow))
        {
            RpcErrors.FailedPrecondition(ErrorReasons.BookingNotCancellable,
                $"Booking '{booking.Id}' began on {booking.CheckIn:yyyy-MM-dd}; a stay that has begun cannot be cancelled.");
        }

        if (booking.Status == BookingStatus.Confirmed)
        {
            booking.Cancel(UtcNow);
            await db.SaveChangesAsync(cancellationToken);
        }
        else if (booking.Status != BookingStatus.Cancelled)
        {
            RpcErrors.FailedPrecondition(ErrorReasons.BookingNotCancellable,
                $"Booking '{booking.Id}' is {booking.Status}; only a confirmed booking can be cancelled.");
        }

        await CompensateAsync(booking, cancellationToken);
        BookingLog.Cancelled(logger, booking.Id);
        return booking;
    }

    private async Task FailAsync(Booking booking, string reason, CancellationToken cancellationToken)
    {
        booking.Fail(reason, UtcNow);
        await db.SaveChangesAsync(cancellationToken);
        await CompensateAsync(booking, cancellationToken);
    }

    /// <summary>Gives back what a failed or cancelled booking took, one persisted step at a time.</summary>
    private async Task CompensateAsync(Booking booking, CancellationToken cancellationToken)
    {
        if (booking.Step == SagaStep.RefundPayment)
        {
            await payments.RefundAsync(new() { PaymentId = booking.PaymentId }, cancellationToken: cancellationToken);
            booking.Refunded(UtcNow);
            await db.SaveChangesAsync(cancellationToken);
        }

        if (booking.Step == SagaStep.ReleaseHold)
        {
            var release = booking.HoldId is not null
                ? new AvailabilityProto.ReleaseHoldRequest { HoldId = booking.HoldId }
                : new AvailabilityProto.ReleaseHoldRequest { RequestId = booking.Id };
            try
            {
                await availability.ReleaseHoldAsync(release, cancellationToken: cancellationToken);
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound && booking.HoldId is null)
            {
                // No hold was ever made for it: nothing to give back.
            }

            booking.Released(UtcNow);
            await db.SaveChangesAsync(cancellationToken);
            telemetry.Settled(booking, UtcNow);
        }
    }

    private async Task ForgetAsync(Booking booking)
    {
        db.Bookings.Remove(booking);
        await db.SaveChangesAsync(CancellationToken.None);
    }

    /// <summary>The downstream refused the request itself (as opposed to failing to answer): nothing was taken.</summary>
    private static bool IsRejection(StatusCode code) =>
        code is StatusCode.InvalidArgument or StatusCode.NotFound or StatusCode.FailedPrecondition or StatusCode.OutOfRange;
}

internal static partial class BookingLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Booking {BookingId} confirmed: {TotalMinor} {Currency} (minor units)")]
    public static partial void Confirmed(ILogger logger, string bookingId, long totalMinor, string currency);

    [LoggerMessage(Level = LogLevel.Information, Message = "Booking {BookingId} failed: payment declined")]
    public static partial void Declined(ILogger logger, string bookingId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Booking {BookingId} resumed by recovery: now {Status}")]
    public static partial void Resumed(ILogger logger, string bookingId, BookingStatus status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Booking {BookingId} cancelled")]
    public static partial void Cancelled(ILogger logger, string bookingId);
}
