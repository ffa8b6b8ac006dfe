using System.Diagnostics.CodeAnalysis;
using System.Net.Mail;
using System.Runtime.ExceptionServices;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using HotelBooking.Bookings.Data;
using HotelBooking.Bookings.Domain;
using HotelBooking.Bookings.Saga;
using HotelBooking.Contracts;
using HotelBooking.Contracts.Common.V1;
using HotelBooking.ServiceDefaults.Telemetry;
using HotelBooking.Services.Shared.Data;
using HotelBooking.Services.Shared.Grpc;
using Microsoft.EntityFrameworkCore;
using Proto = HotelBooking.Contracts.Booking.V1;

namespace HotelBooking.Bookings.Grpc;

public sealed class BookingGrpcService(BookingDbContext db, BookingSaga saga, TimeProvider time)
    : Proto.BookingService.BookingServiceBase
{
    public override async Task<Proto.CreateBookingResponse> CreateBooking(Proto.CreateBookingRequest request, ServerCallContext context)
    {
        Validate(request);
        var fingerprint = Fingerprint(request);
        var booking = new Booking
        {
            Id = Booking.NewId(),
            RequestId = request.RequestId,
            RequestFingerprint = fingerprint,
            HotelId = request.HotelId,
            RoomTypeId = request.RoomTypeId,
            CheckIn = request.CheckIn.ToDateOnly()!.Value,
            CheckOut = request.CheckOut.ToDateOnly()!.Value,
            Guests = request.Guests,
            GuestName = request.Guest.Name.Trim(),
            GuestEmail = request.Guest.Email.Trim(),
            TraceParent = TraceLinks.CurrentTraceParent(),
            CreatedAt = time.GetStorableUtcNow(),
        };

        BookingOutcome outcome;
        try
        {
            outcome = await saga.BookAsync(booking, request.PaymentToken, saga.DeadlineFor(context.Deadline), context.CancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Its lease ran out mid-saga and recovery took the booking over: answer with what recovery made of it.
            db.ChangeTracker.Clear();
            var current = await db.Bookings.AsNoTracking().FirstAsync(b => b.Id == booking.Id, context.CancellationToken);
            return new() { Booking = MapToProto(Replay(current, fingerprint)) };
        }

        // A retry, or a concurrent call with the same key that inserted first: its request, its outcome (or "still running").
        var answered = outcome is BookingOutcome.KeyTaken taken ? Replay(taken.Booking, fingerprint) : BookingOrError(outcome);
        return new() { Booking = MapToProto(answered) };
    }

    public override async Task<Proto.GetBookingResponse> GetBooking(Proto.GetBookingRequest request, ServerCallContext context) =>
        new() { Booking = MapToProto(await FindAsync(request.BookingId, context.CancellationToken)) };

    public override async Task<Proto.CancelBookingResponse> CancelBooking(Proto.CancelBookingRequest request, ServerCallContext context)
    {
        var booking = await FindAsync(request.BookingId, context.CancellationToken);
        BookingOutcome outcome;
        try
        {
            outcome = await saga.CancelAsync(booking, saga.DeadlineFor(context.Deadline), context.CancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // A second cancel (a double click, or recovery finishing the refund) moved it first.
            db.ChangeTracker.Clear();
            var current = await FindAsync(request.BookingId, context.CancellationToken);
            if (current.Status != BookingStatus.Cancelled)
            {
                RpcErrors.Aborted(ErrorReasons.RequestInProgress, "The booking is changing; try again.");
            }

            return new() { Booking = MapToProto(current) };
        }

        switch (outcome)
        {
            case BookingOutcome.NotCancellable when booking.Status == BookingStatus.Confirmed:
                RpcErrors.FailedPrecondition(ErrorReasons.BookingNotCancellable,
                    $"The booking's stay began on {booking.CheckIn:yyyy-MM-dd}; a stay that has begun cannot be cancelled.");
                break;
            case BookingOutcome.NotCancellable:
                RpcErrors.FailedPrecondition(ErrorReasons.BookingNotCancellable,
                    $"The booking is {booking.Status}; only a confirmed booking can be cancelled.");
                break;
            case BookingOutcome.Pending pending:
                ThrowUnanswered(pending); // cancelled; recovery finishes giving back what it took
                break;
        }

        return new() { Booking = MapToProto(outcome.Booking) };
    }

    /// <summary>
    /// The booking a finished saga leaves, or the error that tells the caller what happened to it: each carries
    /// the booking id when the booking exists, so the caller checks it instead of booking again.
    /// </summary>
    private static Booking BookingOrError(BookingOutcome outcome)
    {
        var bookingId = new Dictionary<string, string> { [ErrorReasons.BookingIdMetadata] = outcome.Booking.Id };
        switch (outcome)
        {
            case BookingOutcome.Refused refused:
                throw Refusals.ToRpcException(refused.Refusal);
            case BookingOutcome.Declined:
                RpcErrors.FailedPrecondition(ErrorReasons.PaymentDeclined, DeclinedMessage, bookingId);
                break;
            case BookingOutcome.RoomsGone:
                RpcErrors.FailedPrecondition(ErrorReasons.RoomsUnavailable, "The rooms were no longer held; the payment was refunded.", bookingId);
                break;
            case BookingOutcome.Pending:
                // A service the saga needs did not answer. The booking exists and recovery will settle it.
                RpcErrors.Unavailable(ErrorReasons.BookingPending,
                    "The booking was started but could not be finished now; it will be confirmed or cancelled shortly.", bookingId);
                break;
        }

        return outcome.Booking;
    }

    /// <summary>Answers with the status of the downstream call that went unanswered, as it came.</summary>
    [DoesNotReturn]
    private static void ThrowUnanswered(BookingOutcome.Pending pending) =>
        ExceptionDispatchInfo.Throw(pending.Cause.InnerException ?? pending.Cause);

    private const string DeclinedMessage = "The card was declined; no money was taken.";

    private async Task<Booking> FindAsync(string bookingId, CancellationToken cancellationToken)
    {
        var booking = await db.Bookings.FirstOrDefaultAsync(b => b.Id == bookingId, cancellationToken);
        if (booking is null)
        {
            RpcErrors.NotFound("No booking has this id.");
        }

        return booking;
    }

    /// <summary>
    /// Keeps one connection open for the whole call (EF would otherwise take one from the pool and give it back
    /// around every statement); the scope's end closes it. A saga holds it through its remote calls, so the pool
    /// must allow one per concurrent saga (docs/operations.md).
    /// </summary>
    /// <summary>
    /// What a retry with a known key gets: the same booking, the same decline or refusal, or "still running".
    /// A different request with a used key is refused, whether the first is still running or long settled.
    /// </summary>
    private static Booking Replay(Booking existing, string fingerprint)
    {
        if (existing.RequestFingerprint != fingerprint)
        {
            RpcErrors.FailedPrecondition(ErrorReasons.IdempotencyKeyReused,
                "This idempotency key was already used for a different booking request.");
        }

        if (existing.Refusal is { } refusal)
        {
            throw Refusals.ToRpcException(refusal);
        }

        if (!existing.IsSettled || existing.Status == BookingStatus.Pending)
        {
            RpcErrors.Aborted(ErrorReasons.RequestInProgress, "A request with this idempotency key is still in progress.");
        }

        if (existing.Status == BookingStatus.Failed)
        {
            var bookingId = new Dictionary<string, string> { [ErrorReasons.BookingIdMetadata] = existing.Id };
            if (existing.FailureReason == FailureReason.PaymentDeclined)
            {
                RpcErrors.FailedPrecondition(ErrorReasons.PaymentDeclined, DeclinedMessage, bookingId);
            }

            RpcErrors.FailedPrecondition(ErrorReasons.BookingFailed,
                $"The booking failed ({existing.FailureReason?.Describe()}); anything taken was given back.", bookingId);
        }

        return existing;
    }

    private static void Validate(Proto.CreateBookingRequest request)
    {
        var errors = new FieldErrors();
        if (!RequestIds.IsValid(request.RequestId))
        {
            errors.Add("request_id", $"A request id of {RequestIds.Rule} is required.");
        }

        if (string.IsNullOrWhiteSpace(request.HotelId))
        {
            errors.Add("hotel_id", "A hotel id is required.");
        }

        if (string.IsNullOrWhiteSpace(request.RoomTypeId))
        {
            errors.Add("room_type_id", "A room type id is required.");
        }

        if (request.CheckIn.ToDateOnly() is null)
        {
            errors.Add("check_in", "Check-in must be a valid date.");
        }

        if (request.CheckOut.ToDateOnly() is null)
        {
            errors.Add("check_out", "Check-out must be a valid date.");
        }

        var name = request.Guest?.Name?.Trim() ?? "";
        if (name.Length == 0 || name.Length > 200)
        {
            errors.Add("guest.name", "The guest's name is required (at most 200 characters).");
        }
        else if (name.Any(IsUnprintable))
        {
            errors.Add("guest.name", "The guest's name cannot contain control or text-direction characters.");
        }

        if (!IsEmail(request.Guest?.Email?.Trim()))
        {
            errors.Add("guest.email", "The guest's email must be a valid address such as ana@example.com.");
        }

        if (string.IsNullOrWhiteSpace(request.PaymentToken))
        {
            errors.Add("payment_token", "A payment token is required.");
        }

        errors.ThrowIfAny();
    }

    // Control characters, and the bidirectional overrides that make a name display as something else.
    private static bool IsUnprintable(char c) =>
        char.IsControl(c) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069';

    private static bool IsEmail(string? value) =>
        !string.IsNullOrEmpty(value) && value.Length <= 254
        && !value.Any(c => IsUnprintable(c) || char.IsWhiteSpace(c))
        && MailAddress.TryCreate(value, out var address)
        && address.Address == value
        && address.Host.Contains('.');

    private static string Fingerprint(Proto.CreateBookingRequest request) =>
        RequestFingerprint.Of(request.HotelId, request.RoomTypeId, request.CheckIn, request.CheckOut,
            request.Guests, request.Guest.Name.Trim(), request.Guest.Email.Trim(), request.PaymentToken);

    private static Proto.Booking MapToProto(Booking booking) => new()
    {
        BookingId = booking.Id,
        Status = booking.Status switch
        {
            BookingStatus.Pending => Proto.BookingStatus.Pending,
            BookingStatus.Confirmed => Proto.BookingStatus.Confirmed,
            BookingStatus.Failed => Proto.BookingStatus.Failed,
            BookingStatus.Cancelled => Proto.BookingStatus.Cancelled,
            _ => Proto.BookingStatus.Unspecified,
        },
        HotelId = booking.HotelId,
        RoomTypeId = booking.RoomTypeId,
        CheckIn = booking.CheckIn.ToProtoDate(),
        CheckOut = booking.CheckOut.ToProtoDate(),
        Guests = booking.Guests,
        Guest = new Proto.Guest { Name = booking.GuestName, Email = booking.GuestEmail },
        Total = Money.FromMinor(booking.TotalMinor, booking.Currency),
        CreateTime = ToTimestamp(booking.CreatedAt),
        UpdateTime = ToTimestamp(booking.UpdatedAt == default ? booking.CreatedAt : booking.UpdatedAt),
    };

    private static Timestamp ToTimestamp(DateTime utc) => Timestamp.FromDateTime(DateTime.SpecifyKind(utc, DateTimeKind.Utc));
}
