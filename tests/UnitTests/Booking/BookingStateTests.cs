using HotelBooking.Bookings.Domain;

namespace HotelBooking.UnitTests.Booking;

using Booking = HotelBooking.Bookings.Domain.Booking;

public sealed class BookingStateTests
{
    private static readonly DateTime Now = new(2026, 11, 27, 12, 0, 0, DateTimeKind.Utc);

    private static Booking NewBooking() => TestBookings.New(Now);

    [Fact]
    public void NewId_Always_HasAtLeast128RandomBits()
    {
        var ids = Enumerable.Range(0, 100).Select(_ => Booking.NewId()).ToHashSet();

        Assert.Equal(100, ids.Count);
        Assert.All(ids, id => Assert.Matches("^bk_[0-9a-f]{32}$", id));
    }

    [Fact]
    public void HappyPath_HoldChargeConfirm_ConfirmedAndSettled()
    {
        var booking = NewBooking();
        Assert.Equal((BookingStatus.Pending, SagaStep.HoldRooms), (booking.Status, booking.Step));
        Assert.Equal(Now, booking.UpdatedAt);

        booking.RoomsHeld("hold_1", 360_00, "EUR", Now);
        Assert.Equal(SagaStep.ChargePayment, booking.Step);

        booking.PaymentCaptured("pay_1", Now);
        Assert.Equal(SagaStep.ConfirmHold, booking.Step);

        booking.Confirmed(Now);
        Assert.Equal(BookingStatus.Confirmed, booking.Status);
        Assert.True(booking.IsSettled);
        Assert.Equal(360_00, booking.TotalMinor);
    }

    [Fact]
    public void Fail_AfterHoldBeforeCharge_ReleasesHoldThenFails()
    {
        var booking = NewBooking();
        booking.RoomsHeld("hold_1", 360_00, "EUR", Now);

        booking.Fail(FailureReason.PaymentDeclined, Now);
        Assert.Equal((BookingStatus.Pending, SagaStep.ReleaseHold), (booking.Status, booking.Step));

        booking.Released(Now);
        Assert.Equal(BookingStatus.Failed, booking.Status);
        Assert.True(booking.IsSettled);
    }

    [Fact]
    public void Fail_BeforeTheHoldIdWasLearned_StillReleasesThenFails()
    {
        var booking = NewBooking();

        booking.Fail(FailureReason.InterruptedBeforePayment, Now);

        Assert.Null(booking.HoldId);
        Assert.Equal(SagaStep.ReleaseHold, booking.Step);
        booking.Released(Now);
        Assert.Equal(BookingStatus.Failed, booking.Status);
    }

    [Fact]
    public void EveryMove_BumpsVersionAndUpdatedAt()
    {
        var booking = NewBooking();
        var later = Now.AddSeconds(5);

        booking.RoomsHeld("hold_1", 360_00, "EUR", later);

        Assert.Equal(1, booking.Version);
        Assert.Equal(later, booking.UpdatedAt);
    }

    [Fact]
    public void Fail_AfterCharge_RefundsThenReleasesThenFails()
    {
        var booking = NewBooking();
        booking.RoomsHeld("hold_1", 360_00, "EUR", Now);
        booking.PaymentCaptured("pay_1", Now);

        booking.Fail(FailureReason.HoldExpired, Now);
        Assert.Equal(SagaStep.RefundPayment, booking.Step);
        booking.Refunded(Now);
        Assert.Equal(SagaStep.ReleaseHold, booking.Step);
        booking.Released(Now);

        Assert.Equal(BookingStatus.Failed, booking.Status);
    }

    [Fact]
    public void Cancel_Confirmed_RefundsReleasesAndEndsCancelled()
    {
        var booking = NewBooking();
        booking.RoomsHeld("hold_1", 360_00, "EUR", Now);
        booking.PaymentCaptured("pay_1", Now);
        booking.Confirmed(Now);

        booking.Cancel(Now);
        booking.Refunded(Now);
        booking.Released(Now);

        Assert.Equal(BookingStatus.Cancelled, booking.Status);
        Assert.True(booking.IsSettled);
    }

    [Fact]
    public void Cancel_FailedBooking_Refused()
    {
        var booking = NewBooking();
        booking.RoomsHeld("hold_1", 360_00, "EUR", Now);
        booking.Fail(FailureReason.PaymentDeclined, Now);
        booking.Released(Now);

        Assert.Equal(BookingStatus.Failed, booking.Status);
        Assert.Throws<InvalidOperationException>(() => booking.Cancel(Now));
    }

    [Fact]
    public void Confirmed_BeforePaymentCaptured_Refused()
    {
        var booking = NewBooking();
        booking.RoomsHeld("hold_1", 360_00, "EUR", Now);

        Assert.Throws<InvalidOperationException>(() => booking.Confirmed(Now));
    }

    [Fact]
    public void IsUnattendedAt_BookingWrittenWithoutALeaseByAnOlderVersion_LeasedForOneLeaseFromItsLastMove()
    {
        // A replica from before leases (a rolling upgrade) writes no lease while its saga runs.
        var booking = NewBooking();
        var lease = TimeSpan.FromSeconds(15);

        Assert.False(booking.IsUnattendedAt(Now + TimeSpan.FromSeconds(14), lease));
        Assert.True(booking.IsUnattendedAt(Now + lease, lease));
    }

    [Fact]
    public void IsUnattendedAt_LeaseHeld_OnlyOnceItRunsOut()
    {
        var booking = NewBooking();
        booking.Lease("booking", Now + TimeSpan.FromSeconds(15));

        Assert.False(booking.IsUnattendedAt(Now + TimeSpan.FromSeconds(14), TimeSpan.Zero));
        Assert.True(booking.IsUnattendedAt(Now + TimeSpan.FromSeconds(15), TimeSpan.Zero));
    }
}
