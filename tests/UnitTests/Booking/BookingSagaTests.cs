using HotelBooking.Bookings.Data;
using HotelBooking.Bookings.Domain;
using HotelBooking.Bookings.Saga;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace HotelBooking.UnitTests.Booking;

using Booking = HotelBooking.Bookings.Domain.Booking;

/// <summary>The saga driven through fake holds and payments: its business rules without a network.</summary>
public sealed class BookingSagaTests : IDisposable
{
    private static readonly DateTime Deadline = DateTime.MaxValue;

    private readonly SqliteConnection _connection = new("DataSource=:memory:");
    private readonly BookingDbContext _db;
    private readonly FakeRoomHolds _holds = new();
    private readonly FakePayments _payments = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
    private readonly BookingSaga _saga;

    public BookingSagaTests()
    {
        _connection.Open();
        _db = new BookingDbContext(new DbContextOptionsBuilder<BookingDbContext>().UseSqlite(_connection).Options);
        _db.Database.EnsureCreated();
        var meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        _saga = new BookingSaga(_db, _holds, _payments, new BookingTelemetry(meters), _time,
            Options.Create(new SagaOptions()), NullLogger<BookingSaga>.Instance);
    }

    public void Dispose()
    {
        _db.Dispose();
        _connection.Dispose();
    }

    [Fact]
    public async Task BookAsync_CardDeclined_FailedAsDeclinedAndTheHoldReleased()
    {
        _payments.Next = new Charge("pay_1", IsCaptured: false);

        var outcome = await _saga.BookAsync(NewBooking(), "tok", Deadline, CancellationToken.None);

        var booking = Assert.IsType<BookingOutcome.Declined>(outcome).Booking;
        Assert.Equal((BookingStatus.Failed, SagaStep.Done, FailureReason.PaymentDeclined), (booking.Status, booking.Step, booking.FailureReason));
        Assert.Equal(["hold_1"], _holds.Released);
        Assert.Empty(_payments.Refunded);
    }

    [Fact]
    public async Task BookAsync_NoRoomsFree_RefusedWithTheRefusalKeptAndNothingCharged()
    {
        var refusal = new Refusal(RefusalReason.RoomsUnavailable, "Not enough rooms.");
        _holds.NextTake = RoomsTaken.Refused(refusal);

        var outcome = await _saga.BookAsync(NewBooking(), "tok", Deadline, CancellationToken.None);

        var refused = Assert.IsType<BookingOutcome.Refused>(outcome);
        Assert.Equal(refusal, refused.Booking.Refusal);
        Assert.Equal((BookingStatus.Failed, FailureReason.Refused), (refused.Booking.Status, refused.Booking.FailureReason));
        Assert.Equal(0, _payments.Charges);
    }

    [Fact]
    public async Task BookAsync_UnknownCardToken_RefusedAndTheHoldReleased()
    {
        _payments.Next = new Refusal(RefusalReason.InvalidRequest, "Unknown token.", [new RefusedField("payment_token", "Unknown token.")]);

        var outcome = await _saga.BookAsync(NewBooking(), "tok", Deadline, CancellationToken.None);

        Assert.Equal(RefusalReason.InvalidRequest, Assert.IsType<BookingOutcome.Refused>(outcome).Refusal.Reason);
        Assert.Equal(["hold_1"], _holds.Released);
    }

    [Fact]
    public async Task BookAsync_PaymentServiceDoesNotAnswer_PendingAndLeftForRecovery()
    {
        _payments.Unanswered = true;

        var outcome = await _saga.BookAsync(NewBooking(), "tok", Deadline, CancellationToken.None);

        var booking = Assert.IsType<BookingOutcome.Pending>(outcome).Booking;
        Assert.Equal((BookingStatus.Pending, SagaStep.ChargePayment), (booking.Status, booking.Step));
        Assert.Empty(_holds.Released);
    }

    [Fact]
    public async Task ResumeAsync_HoldExpiredBeforeConfirm_RoomsGoneAndTheChargeRefunded()
    {
        _holds.Confirmable = false;
        var booking = NewBooking();
        _db.Bookings.Add(booking);
        booking.RoomsHeld("hold_1", 360_00, "EUR", _time.GetUtcNow().UtcDateTime);
        booking.PaymentCaptured("pay_1", _time.GetUtcNow().UtcDateTime);
        await _db.SaveChangesAsync();

        var outcome = await _saga.ResumeAsync(booking, Deadline, CancellationToken.None);

        Assert.IsType<BookingOutcome.RoomsGone>(outcome);
        Assert.Equal((BookingStatus.Failed, SagaStep.Done, FailureReason.HoldExpired), (booking.Status, booking.Step, booking.FailureReason));
        Assert.Equal(["pay_1"], _payments.Refunded);
        Assert.Equal(["hold_1"], _holds.Released);
    }

    private Booking NewBooking() => TestBookings.New(_time.GetUtcNow().UtcDateTime);

    private sealed class FakeRoomHolds : IRoomHolds
    {
        public RoomsTaken NextTake { get; set; } = RoomsTaken.Held("hold_1", 360_00, "EUR");
        public bool Confirmable { get; set; } = true;
        public List<string> Released { get; } = [];

        public Task<RoomsTaken> TakeAsync(Booking booking, DateTime deadline, CancellationToken cancellationToken) =>
            Task.FromResult(NextTake);

        public Task<bool> ConfirmAsync(string holdId, DateTime deadline, CancellationToken cancellationToken) =>
            Task.FromResult(Confirmable);

        public Task<HoldState> ReleaseAsync(Booking booking, DateTime deadline, CancellationToken cancellationToken)
        {
            Released.Add(booking.HoldId ?? booking.Id);
            return Task.FromResult(HoldState.Released);
        }
    }

    private sealed class FakePayments : IPayments
    {
        public ChargeResult Next { get; set; } = new Charge("pay_1", IsCaptured: true);
        public bool Unanswered { get; set; }
        public int Charges { get; private set; }
        public List<string> Refunded { get; } = [];

        public Task<ChargeResult> ChargeAsync(string chargeKey, string paymentToken, long amountMinor, string currency,
            string description, DateTime deadline, CancellationToken cancellationToken)
        {
            Charges++;
            return Unanswered
                ? throw new ServiceUnavailableException("No answer.", new TimeoutException())
                : Task.FromResult(Next);
        }

        public Task<Charge?> FindChargeAsync(string chargeKey, DateTime deadline, CancellationToken cancellationToken) =>
            Task.FromResult(Next.Charge);

        public Task RefundAsync(string paymentId, DateTime deadline, CancellationToken cancellationToken)
        {
            Refunded.Add(paymentId);
            return Task.CompletedTask;
        }
    }
}
