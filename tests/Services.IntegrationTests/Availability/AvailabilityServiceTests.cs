using Google.Rpc;
using Grpc.Core;
using HotelBooking.Availability.Grpc;
using HotelBooking.Availability.Holds;
using HotelBooking.Availability.Streaming;
using HotelBooking.Contracts;
using HotelBooking.Contracts.Availability.V1;
using HotelBooking.Services.IntegrationTests.Infrastructure;
using HotelBooking.Tests;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static HotelBooking.Services.IntegrationTests.Infrastructure.Dates;

namespace HotelBooking.Services.IntegrationTests.Availability;

public sealed class AvailabilityServiceOnSqlite() : AvailabilityServiceTests(Provider.Sqlite);

public sealed class AvailabilityServiceOnPostgres() : AvailabilityServiceTests(Provider.Postgres);

/// <summary>The availability service on each database provider: the same guarantees on both.</summary>
public abstract class AvailabilityServiceTests : IDisposable
{
    private const string Hotel = "spree-loft";
    private const string Penthouse = "spree-loft-penthouse"; // 3 rooms a night, sleeps 4

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly ServiceHost<AvailabilityGrpcService> _host;
    private readonly AvailabilityService.AvailabilityServiceClient _client;
    private readonly Provider _provider;

    protected AvailabilityServiceTests(Provider provider)
    {
        _provider = provider;
        if (provider == Provider.Postgres)
        {
            PostgresServer.SkipIfUnavailable();
        }

        _host = new ServiceHost<AvailabilityGrpcService>("availability-db",
            TestCatalogue.HandMade(new() { ["Holds:SweepInterval"] = "01:00:00", ["ReadModel:PollInterval"] = "00:10:00" }),
            services => services.AddSingleton<TimeProvider>(_time), provider: provider);
        _client = new AvailabilityService.AvailabilityServiceClient(_host.CreateChannel());
    }

    public void Dispose()
    {
        _host.Dispose();
        GC.SuppressFinalize(this);
    }

    [SkippableFact]
    public async Task ListHotels_CatalogueOfThree_TheHandMadeHotelsInThreeCities()
    {
        var hotels = (await _client.ListHotelsAsync(new())).Hotels;

        Assert.Equal(3, hotels.Count);
        Assert.Equal(3, hotels.Select(h => h.City).Distinct().Count());
        Assert.All(hotels, h => Assert.InRange(h.RoomTypes.Count, 2, 4));
    }

    [SkippableFact]
    public async Task GetAvailability_LastNightOfTheSeededYear_Available()
    {
        var response = await _client.GetAvailabilityAsync(Query(checkIn: 364, checkOut: 365, guests: 1));

        Assert.All(response.Availability.Rooms, r => Assert.True(r.Available > 0));
    }

    [SkippableFact]
    public async Task GetAvailability_Guests_OnlyRoomTypesThatFit()
    {
        var response = await _client.GetAvailabilityAsync(Query(checkIn: 10, checkOut: 12, guests: 3));

        Assert.Equal(["spree-loft-loft", Penthouse], response.Availability.Rooms.Select(r => r.RoomTypeId));
        var penthouse = response.Availability.Rooms.Single(r => r.RoomTypeId == Penthouse);
        Assert.Equal(3, penthouse.Available);
        Assert.Equal(2 * 480_00, penthouse.TotalPrice.AmountMinor);
        Assert.Equal("EUR", penthouse.TotalPrice.CurrencyCode);
    }

    [SkippableFact]
    public async Task GetAvailability_UnknownHotel_NotFound()
    {
        var query = Query(10, 12, 1);
        query.HotelId = "nowhere";

        var error = await Assert.ThrowsAsync<RpcException>(() => _client.GetAvailabilityAsync(query).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [SkippableFact]
    public async Task GetAvailability_PastAndInvertedStay_InvalidArgumentNamingEachField()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _client.GetAvailabilityAsync(Query(checkIn: -1, checkOut: -2, guests: 0)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var fields = error.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Select(v => v.Field);
        Assert.Equal(["check_in", "check_out", "guests"], fields);
    }

    [SkippableFact]
    public async Task StreamQuotes_BadCriteriaThenGood_ErrorsCarryTheUnaryStatusAndTheStreamGoesOn()
    {
        var invalid = Query(checkIn: -1, checkOut: -2, guests: 0);
        var unknown = Query(10, 12, 1);
        unknown.HotelId = "nowhere";
        var unaryInvalid = await Assert.ThrowsAsync<RpcException>(() => _client.GetAvailabilityAsync(invalid).ResponseAsync);
        var unaryUnknown = await Assert.ThrowsAsync<RpcException>(() => _client.GetAvailabilityAsync(unknown).ResponseAsync);
        using var call = _client.StreamQuotes();

        await call.RequestStream.WriteAsync(Criteria(invalid));
        Assert.True(await call.ResponseStream.MoveNext());
        var invalidAnswer = call.ResponseStream.Current;
        await call.RequestStream.WriteAsync(Criteria(unknown));
        Assert.True(await call.ResponseStream.MoveNext());
        var unknownAnswer = call.ResponseStream.Current;
        await call.RequestStream.WriteAsync(Criteria(Query(10, 12, 3)));
        Assert.True(await call.ResponseStream.MoveNext());
        var quoteAnswer = call.ResponseStream.Current;
        await call.RequestStream.CompleteAsync();

        Assert.Equal(unaryInvalid.GetRpcStatus(), invalidAnswer.Error);
        Assert.Equal((int)Code.InvalidArgument, invalidAnswer.Error.Code);
        Assert.Equal(["check_in", "check_out", "guests"], invalidAnswer.Error.GetDetail<BadRequest>()!.FieldViolations.Select(v => v.Field));
        Assert.Equal(unaryUnknown.GetRpcStatus(), unknownAnswer.Error);
        Assert.Equal((int)Code.NotFound, unknownAnswer.Error.Code);
        Assert.Equal("Hotel 'nowhere' was not found.", unknownAnswer.Error.Message);
        Assert.Equal(StreamQuotesResponse.ResultOneofCase.Quote, quoteAnswer.ResultCase);
        Assert.False(quoteAnswer.Pushed);
        Assert.Equal(["spree-loft-loft", Penthouse], quoteAnswer.Quote.Rooms.Select(r => r.RoomTypeId));
    }

    [SkippableFact]
    public async Task ImportInventory_GoodAndBadLines_AppliesTheGoodAndReportsTheBadByLine()
    {
        using var call = _client.ImportInventory();
        await call.RequestStream.WriteAsync(new() { Line = 1, HotelId = Hotel, RoomTypeId = Penthouse, Date = DaysFromToday(200), Rooms = 5 });
        await call.RequestStream.WriteAsync(new() { Line = 2, HotelId = Hotel, RoomTypeId = "no-such-room", Date = DaysFromToday(200), Rooms = 5 });
        await call.RequestStream.WriteAsync(new()
        {
            Line = 3,
            HotelId = Hotel,
            RoomTypeId = Penthouse,
            Date = DaysFromToday(201),
            Rooms = 5,
            NightlyRate = new() { AmountMinor = 500_00, CurrencyCode = "USD" },
        });
        await call.RequestStream.CompleteAsync();
        var summary = await call.ResponseAsync;

        Assert.Equal(1, summary.Accepted);
        Assert.Equal(2, summary.Rejected);
        Assert.Equal([2, 3], summary.Errors.Select(e => e.Line));
        Assert.Equal("The nightly rate must be positive and in EUR.", summary.Errors[1].Message);
        Assert.Equal(5, await PenthouseFree(200, 201));
    }

    [SkippableFact]
    public async Task CreateHold_TwoRooms_AvailabilityDropsForEveryNight()
    {
        await _client.CreateHoldAsync(Hold("h1", checkIn: 20, checkOut: 23, rooms: 2));

        Assert.Equal(1, await PenthouseFree(20, 23));
        Assert.Equal(1, await PenthouseFree(22, 23));
        Assert.Equal(3, await PenthouseFree(23, 24));
    }

    [SkippableFact]
    public async Task CreateHold_SameRequestIdTwice_OneHold()
    {
        var first = (await _client.CreateHoldAsync(Hold("same", 30, 32))).Hold;
        var second = (await _client.CreateHoldAsync(Hold("same", 30, 32))).Hold;

        Assert.Equal(first.HoldId, second.HoldId);
        Assert.Equal(2, await PenthouseFree(30, 32));
    }

    [SkippableFact]
    public async Task CreateHold_MoreRoomsThanFree_RoomsUnavailableAndNothingTaken()
    {
        await _client.CreateHoldAsync(Hold("a", 40, 42, rooms: 2));

        var error = await Assert.ThrowsAsync<RpcException>(() => _client.CreateHoldAsync(Hold("b", 41, 43, rooms: 2)).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal(ErrorReasons.RoomsUnavailable, error.GetRpcStatus()!.GetDetail<ErrorInfo>()!.Reason);
        Assert.Equal(3, await PenthouseFree(42, 43));
    }

    [SkippableFact]
    public async Task CreateHold_GuestsAboveCapacity_InvalidArgumentOnGuests()
    {
        var hold = Hold("big", 50, 51);
        hold.Guests = 5;

        var error = await Assert.ThrowsAsync<RpcException>(() => _client.CreateHoldAsync(hold).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("guests", error.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Single().Field);
    }

    [SkippableFact]
    public async Task ConfirmThenRelease_ConfirmedHold_SoldThenGivenBack()
    {
        var hold = (await _client.CreateHoldAsync(Hold("c", 60, 61))).Hold;

        var confirmed = (await _client.ConfirmHoldAsync(new() { HoldId = hold.HoldId })).Hold;
        Assert.Equal(HoldStatus.Confirmed, confirmed.Status);
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(2, await PenthouseFree(60, 61));

        var released = (await _client.ReleaseHoldAsync(new() { HoldId = hold.HoldId })).Hold;
        Assert.Equal(HoldStatus.Released, released.Status);
        Assert.Equal(3, await PenthouseFree(60, 61));
    }

    [SkippableFact]
    public async Task Hold_NeverConfirmed_ExpiresAfterItsLifetimeAndRoomsComeBack()
    {
        var hold = (await _client.CreateHoldAsync(Hold("lost", 70, 72, rooms: 3))).Hold;
        Assert.Equal(0, await PenthouseFree(70, 72));

        _time.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal(3, await PenthouseFree(70, 72));
        var error = await Assert.ThrowsAsync<RpcException>(() => _client.ConfirmHoldAsync(new() { HoldId = hold.HoldId }).ResponseAsync);
        Assert.Equal(ErrorReasons.HoldExpired, error.GetRpcStatus()!.GetDetail<ErrorInfo>()!.Reason);
    }

    [SkippableFact]
    public async Task CreateHold_RoomsHeldByAnExpiredHold_FreesThemAndTakesThem()
    {
        var lost = (await _client.CreateHoldAsync(Hold("lost-before-new", 90, 92, rooms: 3))).Hold;
        _time.Advance(TimeSpan.FromMinutes(10));

        // Every penthouse is still held in the table until something expires the old hold: the new one must.
        var taken = (await _client.CreateHoldAsync(Hold("takes-over", 90, 92, rooms: 3))).Hold;

        Assert.Equal(HoldStatus.Active, taken.Status);
        Assert.Equal(0, await PenthouseFree(90, 92));
        var error = await Assert.ThrowsAsync<RpcException>(() => _client.ConfirmHoldAsync(new() { HoldId = lost.HoldId }).ResponseAsync);
        Assert.Equal(ErrorReasons.HoldExpired, error.GetRpcStatus()!.GetDetail<ErrorInfo>()!.Reason);
    }

    [SkippableFact]
    public async Task SweepExpired_AfterLifetime_MarksHoldsExpiredAndFreesInventory()
    {
        await _client.CreateHoldAsync(Hold("swept", 80, 81, rooms: 3));
        _time.Advance(TimeSpan.FromMinutes(11));

        using var scope = _host.Services.CreateScope();
        var swept = await scope.ServiceProvider.GetRequiredService<HoldLedger>().SweepExpiredAsync(CancellationToken.None);

        Assert.Equal(1, swept);
        Assert.Equal(3, await PenthouseFree(80, 81));
        Assert.NotNull(await _client.CreateHoldAsync(Hold("after-sweep", 80, 81, rooms: 3)));
    }

    [SkippableFact]
    public async Task ExpiryWorker_NextTickAfterExpiry_SweepsTheHold()
    {
        var hold = (await _client.CreateHoldAsync(Hold("worker", 85, 86))).Hold;

        _time.Advance(TimeSpan.FromHours(1));

        using var scope = _host.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HotelBooking.Availability.Data.AvailabilityDbContext>();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (db.Holds.AsNoTracking().Single(h => h.Id == hold.HoldId).Status != HotelBooking.Availability.Domain.HoldStatus.Expired)
        {
            Assert.True(DateTime.UtcNow < deadline, "The worker did not sweep the expired hold.");
            await Task.Delay(50);
        }
    }

    [SkippableFact]
    public async Task CreateHold_ManyConcurrentCallers_NeverOversells()
    {
        var attempts = Enumerable.Range(0, 15).Select(async i =>
        {
            try
            {
                await _client.CreateHoldAsync(Hold($"race-{i}", 90, 93));
                return true;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition)
            {
                return false;
            }
        });

        var results = await Task.WhenAll(attempts);

        Assert.Equal(3, results.Count(won => won));
        Assert.Equal(0, await PenthouseFree(90, 93));
    }

    [SkippableFact]
    public async Task WatchAvailability_BurstOfTwentyChanges_OneRequote()
    {
        using var call = _client.WatchAvailability(new() { HotelId = Hotel, CheckIn = DaysFromToday(150), CheckOut = DaysFromToday(151), Guests = 4 });
        Assert.True(await call.ResponseStream.MoveNext());
        var tracker = _host.Services.GetRequiredService<StreamTracker>();

        // Twenty changes while the clock stands still: the stream may re-quote once per RequoteInterval.
        for (var night = 100; night < 119; night++)
        {
            await _client.CreateHoldAsync(Hold($"burst-{night}", night, night + 1));
        }

        await _client.CreateHoldAsync(Hold("burst-watched", 150, 151));
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.True(await call.ResponseStream.MoveNext());
        Assert.Equal(2, call.ResponseStream.Current.Availability.Rooms.Single(r => r.RoomTypeId == Penthouse).Available);
        Assert.Equal(1, tracker.Requotes);
    }

    [SkippableFact]
    public async Task WatchAvailability_OneMoreThanMaxOpenStreams_ResourceExhaustedTooManyStreams()
    {
        using var host = new ServiceHost<AvailabilityGrpcService>("availability-db",
            TestCatalogue.HandMade(new() { ["Streaming:MaxOpenStreams"] = "2" }), provider: _provider);
        var client = new AvailabilityService.AvailabilityServiceClient(host.CreateChannel());
        var request = new WatchAvailabilityRequest { HotelId = Hotel, CheckIn = DaysFromToday(150), CheckOut = DaysFromToday(151), Guests = 4 };
        using var first = client.WatchAvailability(request);
        using var second = client.WatchAvailability(request);
        Assert.True(await first.ResponseStream.MoveNext());
        Assert.True(await second.ResponseStream.MoveNext());

        using var third = client.WatchAvailability(request);
        var error = await Assert.ThrowsAsync<RpcException>(() => third.ResponseStream.MoveNext());

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Equal(ErrorReasons.TooManyStreams, error.GetRpcStatus()!.GetDetail<ErrorInfo>()!.Reason);
        // A closed stream gives its place back (once the server has seen the cancellation).
        first.Dispose();
        for (var attempt = 1; ; attempt++)
        {
            using var afterOneClosed = client.WatchAvailability(request);
            try
            {
                Assert.True(await afterOneClosed.ResponseStream.MoveNext());
                break;
            }
            catch (RpcException) when (attempt < 50)
            {
                await Task.Delay(100);
            }
        }
    }

    private async Task<int> PenthouseFree(int checkIn, int checkOut) =>
        (await _client.GetAvailabilityAsync(Query(checkIn, checkOut, 4))).Availability.Rooms.Single(r => r.RoomTypeId == Penthouse).Available;

    private static GetAvailabilityRequest Query(int checkIn, int checkOut, int guests) => new()
    {
        HotelId = Hotel,
        CheckIn = DaysFromToday(checkIn),
        CheckOut = DaysFromToday(checkOut),
        Guests = guests,
    };

    private static StreamQuotesRequest Criteria(GetAvailabilityRequest query) => new()
    {
        HotelId = query.HotelId,
        CheckIn = query.CheckIn,
        CheckOut = query.CheckOut,
        Guests = query.Guests,
    };

    private static CreateHoldRequest Hold(string requestId, int checkIn, int checkOut, int rooms = 1) => new()
    {
        RequestId = requestId,
        HotelId = Hotel,
        RoomTypeId = Penthouse,
        CheckIn = DaysFromToday(checkIn),
        CheckOut = DaysFromToday(checkOut),
        Guests = 2,
        Rooms = rooms,
    };
}
