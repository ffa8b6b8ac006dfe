using Google.Rpc;
using Grpc.Core;
using HotelBooking.Bookings.Data;
using HotelBooking.Bookings.Saga;
using HotelBooking.Contracts;
using HotelBooking.Contracts.Booking.V1;
using HotelBooking.Payments.Data;
using HotelBooking.Services.IntegrationTests.Infrastructure;
using HotelBooking.Services.Shared.Faults;
using HotelBooking.Tests;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static HotelBooking.Services.IntegrationTests.Infrastructure.Dates;

namespace HotelBooking.Services.IntegrationTests.Booking;

public sealed class BookingServiceOnSqlite(SqliteBookingSystem system) : BookingServiceTests(system), IClassFixture<SqliteBookingSystem>;

public sealed class BookingServiceOnPostgres(PostgresBookingSystem system) : BookingServiceTests(system), IClassFixture<PostgresBookingSystem>;

/// <summary>The saga with its real downstreams, on each database provider.</summary>
public abstract class BookingServiceTests
{
    private readonly BookingSystem _system;

    protected BookingServiceTests(BookingSystem system)
    {
        if (system.Provider == Provider.Postgres)
        {
            PostgresServer.SkipIfUnavailable();
        }

        _system = system;
    }

    private const string Hotel = "alfama-riverside";
    private const string Double = "alfama-riverside-double"; // 12 rooms, 120.00 EUR a night

    [SkippableFact]
    public async Task CreateBooking_ApprovedCard_ConfirmedWithTheHoldsPriceAndOneCapture()
    {
        var before = await DoubleFree(10, 13);

        var booking = (await _system.Bookings.CreateBookingAsync(Request(10, 13, "tok_visa"))).Booking;

        Assert.Equal(BookingStatus.Confirmed, booking.Status);
        Assert.Equal(3 * 120_00, booking.Total.AmountMinor);
        Assert.Equal("EUR", booking.Total.CurrencyCode);
        Assert.Equal(before - 1, await DoubleFree(10, 13));
        Assert.Equal(1, await CapturesFor(booking.BookingId));
    }

    [SkippableFact]
    public async Task CreateBooking_DeclinedCard_FailedBookingNamedInTheErrorAndRoomsGivenBack()
    {
        var before = await DoubleFree(20, 22);

        var error = await Assert.ThrowsAsync<RpcException>(() => _system.Bookings.CreateBookingAsync(Request(20, 22, "tok_chargeDeclined")).ResponseAsync);

        var info = error.GetRpcStatus()!.GetDetail<ErrorInfo>()!;
        Assert.Equal(ErrorReasons.PaymentDeclined, info.Reason);
        var failed = (await _system.Bookings.GetBookingAsync(new() { BookingId = info.Metadata[ErrorReasons.BookingIdMetadata] })).Booking;
        Assert.Equal(BookingStatus.Failed, failed.Status);
        Assert.Equal(before, await DoubleFree(20, 22));
    }

    [SkippableFact]
    public async Task CreateBooking_UnknownToken_InvalidArgumentNothingTakenAndTheSameRefusalOnARetry()
    {
        var before = await DoubleFree(30, 31);
        var request = Request(30, 31, "tok_unknown");

        var error = await Assert.ThrowsAsync<RpcException>(() => _system.Bookings.CreateBookingAsync(request).ResponseAsync);
        var replay = await Assert.ThrowsAsync<RpcException>(() => _system.Bookings.CreateBookingAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(before, await DoubleFree(30, 31));
        Assert.Equal(error.Status, replay.Status);
        Assert.Equal(["payment_token"], replay.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Select(v => v.Field));
        Assert.Equal(0, await CapturesFor(await BookingIdFor(request.RequestId)));
    }

    [SkippableFact]
    public async Task CreateBooking_KeyOfARefusedRequestWithAnotherBody_RefusedAsReusedKey()
    {
        var refused = Request(32, 33, "tok_unknown");
        await Assert.ThrowsAsync<RpcException>(() => _system.Bookings.CreateBookingAsync(refused).ResponseAsync);
        var other = Request(32, 33, "tok_visa");
        other.RequestId = refused.RequestId;

        var error = await Assert.ThrowsAsync<RpcException>(() => _system.Bookings.CreateBookingAsync(other).ResponseAsync);

        Assert.Equal(ErrorReasons.IdempotencyKeyReused, error.GetRpcStatus()!.GetDetail<ErrorInfo>()!.Reason);
    }

    [SkippableFact]
    public async Task CreateBooking_OneKeyTenDifferentBodiesAtOnce_OneRunsTheOthersAreToldTheKeyIsTaken()
    {
        var key = Guid.NewGuid().ToString();
        var attempts = Enumerable.Range(0, 10).Select(i =>
        {
            var request = Request(34, 35, "tok_visa");
            request.RequestId = key;
            request.Guest.Name = $"Guest {i}";
            return Outcome(() => _system.Bookings.CreateBookingAsync(request).ResponseAsync);
        });

        var outcomes = await Task.WhenAll(attempts);

        Assert.Equal(1, outcomes.Count(o => o == "OK"));
        Assert.All(outcomes.Where(o => o != "OK"), o => Assert.Equal(ErrorReasons.IdempotencyKeyReused, o));
    }

    [SkippableFact]
    public async Task CreateBooking_SameRequestIdTwice_SameBookingAndOneCharge()
    {
        var request = Request(40, 42, "tok_visa");

        var first = (await _system.Bookings.CreateBookingAsync(request)).Booking;
        var replay = (await _system.Bookings.CreateBookingAsync(request)).Booking;

        Assert.Equal(first, replay);
        Assert.Equal(1, await CapturesFor(first.BookingId));
    }

    [SkippableFact]
    public async Task CreateBooking_SameRequestIdDifferentStay_RefusedAsReusedKey()
    {
        var request = Request(50, 52, "tok_visa");
        await _system.Bookings.CreateBookingAsync(request);
        request.CheckOut = DaysFromToday(53);

        var error = await Assert.ThrowsAsync<RpcException>(() => _system.Bookings.CreateBookingAsync(request).ResponseAsync);

        Assert.Equal(ErrorReasons.IdempotencyKeyReused, error.GetRpcStatus()!.GetDetail<ErrorInfo>()!.Reason);
    }

    [SkippableFact]
    public async Task CancelBooking_Confirmed_RefundedAndRoomGivenBack_TwiceIsHarmless()
    {
        var before = await DoubleFree(60, 63);
        var booking = (await _system.Bookings.CreateBookingAsync(Request(60, 63, "tok_visa"))).Booking;

        var cancelled = (await _system.Bookings.CancelBookingAsync(new() { BookingId = booking.BookingId })).Booking;
        var again = (await _system.Bookings.CancelBookingAsync(new() { BookingId = booking.BookingId })).Booking;

        Assert.Equal(BookingStatus.Cancelled, cancelled.Status);
        Assert.Equal(BookingStatus.Cancelled, again.Status);
        Assert.Equal(before, await DoubleFree(60, 63));
        Assert.Equal(0, await CapturesFor(booking.BookingId));
    }

    [SkippableFact]
    public async Task CancelBooking_TwoAtOnce_BothAnswerCancelledAndOneRefund()
    {
        var booking = (await _system.Bookings.CreateBookingAsync(Request(100, 102, "tok_visa"))).Booking;

        var results = await Task.WhenAll(
            _system.Bookings.CancelBookingAsync(new() { BookingId = booking.BookingId }).ResponseAsync,
            _system.Bookings.CancelBookingAsync(new() { BookingId = booking.BookingId }).ResponseAsync);

        Assert.All(results, r => Assert.Equal(BookingStatus.Cancelled, r.Booking.Status));
    }

    [SkippableFact]
    public async Task CancelBooking_StayAlreadyBegun_RefusedAsNotCancellable()
    {
        var booking = (await _system.Bookings.CreateBookingAsync(Request(0, 2, "tok_visa"))).Booking;

        var error = await Assert.ThrowsAsync<RpcException>(() => _system.Bookings.CancelBookingAsync(new() { BookingId = booking.BookingId }).ResponseAsync);

        Assert.Equal(ErrorReasons.BookingNotCancellable, error.GetRpcStatus()!.GetDetail<ErrorInfo>()!.Reason);
    }

    [SkippableFact]
    public async Task CreateBooking_InvalidGuest_FieldErrorsForNameAndEmail()
    {
        var request = Request(70, 71, "tok_visa");
        request.Guest = new Guest { Name = " ", Email = "not-an-email" };

        var error = await Assert.ThrowsAsync<RpcException>(() => _system.Bookings.CreateBookingAsync(request).ResponseAsync);

        var fields = error.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Select(v => v.Field);
        Assert.Equal(["guest.name", "guest.email"], fields);
    }

    [SkippableFact]
    public async Task Recovery_SagaStoppedAfterTheCharge_DrivenForwardToConfirmed()
    {
        var before = await DoubleFree(80, 82);
        var request = Request(80, 82, "tok_visa");
        _system.Availability.Services.GetRequiredService<FaultInjector>()
            .Apply(FaultSettings.None with { FailNext = 4, Methods = ["ConfirmHold"] });

        var error = await Assert.ThrowsAsync<RpcException>(() => _system.Bookings.CreateBookingAsync(request).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        var pending = error.GetRpcStatus()!.GetDetail<ErrorInfo>()!;
        Assert.Equal(ErrorReasons.BookingPending, pending.Reason);

        var booking = await WaitUntilSettledAsync(request.RequestId);
        Assert.Equal(booking.Id, pending.Metadata[ErrorReasons.BookingIdMetadata]);
        Assert.Equal(HotelBooking.Bookings.Domain.BookingStatus.Confirmed, booking.Status);
        Assert.Equal(before - 1, await DoubleFree(80, 82));
        Assert.Equal(1, await CapturesFor(booking.Id));
    }

    [SkippableFact]
    public async Task Recovery_SagaStoppedBeforeAnyCharge_FailedAndRoomsGivenBack()
    {
        var before = await DoubleFree(90, 92);
        var request = Request(90, 92, "tok_visa");
        _system.Payment.Services.GetRequiredService<FaultInjector>()
            .Apply(FaultSettings.None with { FailNext = 4, Methods = ["Charge"] });

        await Assert.ThrowsAsync<RpcException>(() => _system.Bookings.CreateBookingAsync(request).ResponseAsync);

        var booking = await WaitUntilSettledAsync(request.RequestId);
        Assert.Equal(HotelBooking.Bookings.Domain.BookingStatus.Failed, booking.Status);
        Assert.Equal(before, await DoubleFree(90, 92));
        Assert.Equal(0, await CapturesFor(booking.Id));
    }

    [SkippableFact]
    public async Task Recovery_EightPassesAtOnceOnOneStalledBooking_OnlyTheLeaseHolderDrivesIt()
    {
        var request = Request(100, 102, "tok_visa");
        var faults = _system.Availability.Services.GetRequiredService<FaultInjector>();
        faults.Apply(FaultSettings.None with { FailNext = 4, Methods = ["ConfirmHold"] });
        await Assert.ThrowsAsync<RpcException>(() => _system.Bookings.CreateBookingAsync(request).ResponseAsync);
        faults.Apply(FaultSettings.None with { Methods = ["ConfirmHold"] }); // count ConfirmHold calls from here on
        var confirmsBefore = faults.Counters.Calls;
        var recovery = _system.Booking.Services.GetServices<IHostedService>().OfType<SagaRecoveryWorker>().Single();

        HotelBooking.Bookings.Domain.Booking booking;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(booking = await FindAsync(request.RequestId)).IsSettled)
        {
            Assert.True(DateTime.UtcNow < deadline, $"Not settled: {booking.Status} at {booking.Step}.");
            // Eight passes race the background worker on every round until the lease has run out and one wins.
            await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => recovery.RecoverStaleBookingsAsync(CancellationToken.None)));
            await Task.Delay(50);
        }

        faults.Apply(FaultSettings.None);
        Assert.Equal(HotelBooking.Bookings.Domain.BookingStatus.Confirmed, booking.Status);
        Assert.Equal(1, faults.Counters.Calls - confirmsBefore);
    }

    [SkippableFact]
    public async Task Recovery_BookingThatCanNeverBeConfirmed_ParkedAfterItsAttemptsWhileOthersSettle()
    {
        var stuck = Request(110, 112, "tok_visa");
        var later = Request(113, 114, "tok_visa");
        var faults = _system.Availability.Services.GetRequiredService<FaultInjector>();
        faults.Apply(FaultSettings.None with { FailNext = 1_000_000, Methods = ["ConfirmHold"] });
        try
        {
            await Assert.ThrowsAsync<RpcException>(() => _system.Bookings.CreateBookingAsync(stuck).ResponseAsync);
            _system.Payment.Services.GetRequiredService<FaultInjector>().Apply(FaultSettings.None with { FailNext = 4, Methods = ["Charge"] });
            await Assert.ThrowsAsync<RpcException>(() => _system.Bookings.CreateBookingAsync(later).ResponseAsync);

            // The second booking stopped before its charge: recovery fails it and gives its room back,
            // however often the first one fails before it.
            Assert.Equal(HotelBooking.Bookings.Domain.BookingStatus.Failed, (await WaitUntilSettledAsync(later.RequestId)).Status);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            HotelBooking.Bookings.Domain.Booking parked;
            while ((parked = await FindAsync(stuck.RequestId)).ParkedAt is null)
            {
                Assert.True(DateTime.UtcNow < deadline, $"Not parked after {parked.RecoveryAttempts} attempts.");
                await Task.Delay(100);
            }

            Assert.Equal(3, parked.RecoveryAttempts); // Saga:MaxRecoveryAttempts in BookingSystem
            Assert.Equal(HotelBooking.Bookings.Domain.SagaStep.ConfirmHold, parked.Step);
            var attempts = parked.RecoveryAttempts;
            await Task.Delay(1000);
            Assert.Equal(attempts, (await FindAsync(stuck.RequestId)).RecoveryAttempts); // left alone once parked
        }
        finally
        {
            faults.Apply(FaultSettings.None);
        }
    }

    private async Task<HotelBooking.Bookings.Domain.Booking> FindAsync(string requestId)
    {
        using var scope = _system.Booking.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<BookingDbContext>().Bookings.AsNoTracking()
            .SingleAsync(b => b.RequestId == requestId);
    }

    private async Task<HotelBooking.Bookings.Domain.Booking> WaitUntilSettledAsync(string requestId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            using var scope = _system.Booking.Services.CreateScope();
            var booking = await scope.ServiceProvider.GetRequiredService<BookingDbContext>().Bookings.AsNoTracking()
                .SingleAsync(b => b.RequestId == requestId);
            if (booking.IsSettled)
            {
                return booking;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Booking still at {booking.Step}.");
            await Task.Delay(100);
        }
    }

    private static async Task<string> Outcome(Func<Task> call)
    {
        try
        {
            await call();
            return "OK";
        }
        catch (RpcException e)
        {
            return e.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason ?? e.StatusCode.ToString();
        }
    }

    private async Task<string> BookingIdFor(string requestId)
    {
        using var scope = _system.Booking.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<BookingDbContext>().Bookings
            .Where(b => b.RequestId == requestId).Select(b => b.Id).SingleAsync();
    }

    private async Task<int> DoubleFree(int checkIn, int checkOut) =>
        (await _system.Rooms.GetAvailabilityAsync(new()
        {
            HotelId = Hotel,
            CheckIn = DaysFromToday(checkIn),
            CheckOut = DaysFromToday(checkOut),
            Guests = 2,
        })).Availability.Rooms.Single(r => r.RoomTypeId == Double).Available;

    private async Task<int> CapturesFor(string bookingId)
    {
        using var scope = _system.Payment.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PaymentDbContext>();
        return await db.Payments.CountAsync(p => p.RequestId == $"booking:{bookingId}"
            && p.Status == HotelBooking.Payments.Domain.PaymentStatus.Captured);
    }

    /// <summary>A new request (its own key) for a double at the test hotel, nights counted from today.</summary>
    internal static CreateBookingRequest Request(int checkIn, int checkOut, string token) => new()
    {
        RequestId = Guid.NewGuid().ToString(),
        HotelId = Hotel,
        RoomTypeId = Double,
        CheckIn = DaysFromToday(checkIn),
        CheckOut = DaysFromToday(checkOut),
        Guests = 2,
        Guest = new Guest { Name = "Ana Lima", Email = "ana@example.com" },
        PaymentToken = token,
    };
}
