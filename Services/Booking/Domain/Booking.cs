using System.Security.Cryptography;
using HotelBooking.Contracts;

namespace HotelBooking.Bookings.Domain;

public enum BookingStatus
{
    Pending,
    Confirmed,
    Failed,
    Cancelled,
}

/// <summary>The saga's next remote call, persisted before the call is made so a restart knows where it stood.</summary>
public enum SagaStep
{
    HoldRooms,
    ChargePayment,
    ConfirmHold,
    ReleaseHold,
    RefundPayment,
    Done,
}

public sealed class Booking
{
    /// <summary>128 random bits: the id is the guest's capability to see and cancel the booking.</summary>
    public required string Id { get; init; }
    public required string RequestId { get; init; }
    /// <summary>SHA-256 of the request: tells a retry from a reused idempotency key without keeping the card token.</summary>
    public required string RequestFingerprint { get; init; }
    public required string HotelId { get; init; }
    public required string RoomTypeId { get; init; }
    public required DateOnly CheckIn { get; init; }
    public required DateOnly CheckOut { get; init; }
    public required int Guests { get; init; }
    public required string GuestName { get; init; }
    public required string GuestEmail { get; init; }
    /// <summary>The W3C traceparent of the request that created it; recovery links its own trace to it.</summary>
    public string? TraceParent { get; init; }
    public long TotalMinor { get; private set; }
    public string Currency { get; private set; } = "";
    public BookingStatus Status { get; private set; } = BookingStatus.Pending;
    public SagaStep Step { get; private set; } = SagaStep.HoldRooms;
    public string? HoldId { get; private set; }
    public string? PaymentId { get; private set; }
    public FailureReason? FailureReason { get; private set; }
    public required DateTime CreatedAt
    {
        get;
        init
        {
            field = value;
            UpdatedAt = value;
        }
    }

    /// <summary>When the booking last moved; the recovery worker leaves recently moved bookings to their saga.</summary>
    public DateTime UpdatedAt { get; private set; }

    /// <summary>Optimistic concurrency: two workers can never both move the same booking from the same state.</summary>
    public int Version { get; private set; }

    /// <summary>
    /// Who drives the booking until <see cref="LeaseExpiresAt"/>: the process that created or is cancelling
    /// it, or the recovery worker that took it over. Nobody else moves it before the lease runs out, and
    /// taking a lease bumps <see cref="Version"/>, so a former holder's next save fails.
    /// </summary>
    public string? LeaseOwner { get; private set; }
    public DateTime? LeaseExpiresAt { get; private set; }

    /// <summary>How many times recovery tried to settle it and failed; each failure waits longer before the next.</summary>
    public int RecoveryAttempts { get; private set; }

    /// <summary>When recovery gave up on it: a parked booking waits for an operator, and recovery leaves it alone.</summary>
    public DateTime? ParkedAt { get; private set; }

    /// <summary>
    /// The refusal a request got when nothing was taken (no rooms, an unknown hotel, an unknown card token): a
    /// retry with the same key gets it again.
    /// </summary>
    public Refusal? Refusal { get; private set; }

    /// <summary>No remote call is left to make: the booking is Confirmed, Failed or Cancelled for good.</summary>
    public bool IsSettled => Step == SagaStep.Done;

    public static string NewId() => "bk_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>How logs and traces name it (<see cref="BookingReference"/>): never by its id.</summary>
    public string Reference => BookingReference.For(Id);

    /// <summary>Takes the lease: <paramref name="owner"/> drives the booking until <paramref name="until"/>.</summary>
    public void Lease(string owner, DateTime until)
    {
        LeaseOwner = owner;
        LeaseExpiresAt = until;
        Version++;
    }

    /// <summary>
    /// Whether nobody drives it now: unsettled, not parked, and its lease ran out. A booking without a lease was
    /// written by a version before leases (still running during a rolling upgrade): it counts as leased for
    /// <paramref name="lease"/> from its last update.
    /// </summary>
    public bool IsUnattendedAt(DateTime now, TimeSpan lease) =>
        !IsSettled && ParkedAt is null && (LeaseExpiresAt ?? UpdatedAt + lease) <= now;

    /// <summary>Recovery failed to move it: keeps the lease until <paramref name="retryAt"/>, so others leave it alone till then.</summary>
    public void RecoveryFailed(DateTime retryAt)
    {
        RecoveryAttempts++;
        LeaseExpiresAt = retryAt;
        Version++;
    }

    /// <summary>Recovery gives up: the booking stays as it is, for an operator to look at.</summary>
    public void Park(DateTime now)
    {
        ParkedAt = now;
        Version++;
    }

    /// <summary>
    /// The request was refused before anything was taken. The booking ends Failed at once, and keeps its key,
    /// fingerprint and the refusal, so a retry with the same key replays the refusal and a different request
    /// with that key is told the key is taken.
    /// </summary>
    public void Refuse(Refusal refusal, DateTime now)
    {
        Expect(BookingStatus.Pending, Step);
        Status = BookingStatus.Failed;
        FailureReason = Domain.FailureReason.Refused;
        Refusal = refusal;
        Move(SagaStep.Done, now);
    }

    public void RoomsHeld(string holdId, long totalMinor, string currency, DateTime now)
    {
        Expect(BookingStatus.Pending, SagaStep.HoldRooms);
        HoldId = holdId;
        TotalMinor = totalMinor;
        Currency = currency;
        Move(SagaStep.ChargePayment, now);
    }

    public void PaymentCaptured(string paymentId, DateTime now)
    {
        Expect(BookingStatus.Pending, SagaStep.ChargePayment);
        PaymentId = paymentId;
        Move(SagaStep.ConfirmHold, now);
    }

    public void Confirmed(DateTime now)
    {
        Expect(BookingStatus.Pending, SagaStep.ConfirmHold);
        Status = BookingStatus.Confirmed;
        Move(SagaStep.Done, now);
    }

    /// <summary>
    /// Starts compensation: what was taken is given back before the booking ends <see cref="BookingStatus.Failed"/>.
    /// A hold is released even when its id was never learned (a crash during CreateHold): by the booking id it was created with.
    /// </summary>
    public void Fail(FailureReason reason, DateTime now)
    {
        if (Status != BookingStatus.Pending)
        {
            throw new InvalidOperationException($"Booking {Id} is {Status}; only a pending booking can fail.");
        }

        FailureReason = reason;
        Move(PaymentId is not null ? SagaStep.RefundPayment : SagaStep.ReleaseHold, now);
    }

    /// <summary>Starts cancelling a confirmed booking: refund, then release.</summary>
    public void Cancel(DateTime now)
    {
        Expect(BookingStatus.Confirmed, SagaStep.Done);
        Status = BookingStatus.Cancelled;
        Move(SagaStep.RefundPayment, now);
    }

    public void Refunded(DateTime now)
    {
        Expect(Status, SagaStep.RefundPayment);
        Move(SagaStep.ReleaseHold, now);
    }

    public void Released(DateTime now)
    {
        Expect(Status, SagaStep.ReleaseHold);
        if (Status == BookingStatus.Pending)
        {
            Status = BookingStatus.Failed;
        }

        Move(SagaStep.Done, now);
    }

    private void Expect(BookingStatus status, SagaStep step)
    {
        if (Status != status || Step != step)
        {
            throw new InvalidOperationException($"Booking {Id} is {Status} at step {Step}; expected {status} at {step}.");
        }
    }

    private void Move(SagaStep step, DateTime now)
    {
        Step = step;
        UpdatedAt = now;
        Version++;
    }
}
