using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using HotelBooking.Availability.Data;
using HotelBooking.Availability.Domain;
using HotelBooking.Availability.Holds;
using HotelBooking.Availability.Quotes;
using HotelBooking.Availability.Streaming;
using HotelBooking.Contracts;
using HotelBooking.Contracts.Common.V1;
using HotelBooking.Services.Shared.Grpc;
using Microsoft.EntityFrameworkCore;
using Proto = HotelBooking.Contracts.Availability.V1;

namespace HotelBooking.Availability.Grpc;

public sealed class AvailabilityGrpcService(
    AvailabilityDbContext db,
    HoldLedger holds,
    StayQuoter quoter,
    AvailabilityStreams streams,
    InventoryImporter importer,
    AvailabilityChanges changes,
    TimeProvider time,
    ILogger<AvailabilityGrpcService> logger) : Proto.AvailabilityService.AvailabilityServiceBase
{
    public override async Task<Proto.ListHotelsResponse> ListHotels(Proto.ListHotelsRequest request, ServerCallContext context)
    {
        var query = db.Hotels.AsNoTracking().Include(h => h.RoomTypes).AsQueryable();
        if (!string.IsNullOrWhiteSpace(request.City))
        {
            var city = request.City.Trim().ToLower();
            query = query.Where(h => h.City.ToLower() == city);
        }

        var hotels = await query.OrderBy(h => h.City).ThenBy(h => h.Name).ToListAsync(context.CancellationToken);
        return new() { Hotels = { hotels.Select(MapToProto) } };
    }

    public override async Task<Proto.GetHotelResponse> GetHotel(Proto.GetHotelRequest request, ServerCallContext context) =>
        new() { Hotel = MapToProto(await quoter.FindHotelAsync(request.HotelId, context.CancellationToken)) };

    public override async Task<Proto.GetAvailabilityResponse> GetAvailability(Proto.GetAvailabilityRequest request, ServerCallContext context)
    {
        var stay = quoter.Validate(request.CheckIn, request.CheckOut, request.Guests);
        var hotel = await quoter.FindHotelAsync(request.HotelId, context.CancellationToken);
        var quote = await quoter.QuoteAsync(hotel, stay, request.Guests, context.CancellationToken);
        return new()
        {
            HotelId = quote.HotelId,
            CheckIn = request.CheckIn,
            CheckOut = request.CheckOut,
            Guests = quote.Guests,
            Rooms = { quote.Rooms },
        };
    }

    public override Task WatchAvailability(Proto.WatchAvailabilityRequest request,
        IServerStreamWriter<Proto.WatchAvailabilityResponse> responseStream, ServerCallContext context) =>
        streams.WatchAsync(request, responseStream, context.CancellationToken);

    public override Task StreamQuotes(IAsyncStreamReader<Proto.StreamQuotesRequest> requestStream,
        IServerStreamWriter<Proto.StreamQuotesResponse> responseStream, ServerCallContext context) =>
        streams.QuoteAsync(requestStream, responseStream, context.CancellationToken);

    public override Task<Proto.ImportInventoryResponse> ImportInventory(
        IAsyncStreamReader<Proto.ImportInventoryRequest> requestStream, ServerCallContext context) =>
        importer.ImportAsync(requestStream, context.CancellationToken);

    public override async Task<Proto.CreateHoldResponse> CreateHold(Proto.CreateHoldRequest request, ServerCallContext context)
    {
        if (string.IsNullOrWhiteSpace(request.RequestId) || request.RequestId.Length > 200)
        {
            RpcErrors.InvalidArgument("request_id", "A request id of 1 to 200 characters is required.");
        }

        if (request.Rooms is < 1 or > 10)
        {
            RpcErrors.InvalidArgument("rooms", "A hold takes 1 to 10 rooms.");
        }

        var stay = quoter.Validate(request.CheckIn, request.CheckOut, request.Guests);
        if (await holds.FindByRequestIdAsync(request.RequestId, context.CancellationToken) is { } existing)
        {
            return new() { Hold = MapToProto(EnsureSameHold(existing, request, stay)) };
        }

        var hotel = await quoter.FindHotelAsync(request.HotelId, context.CancellationToken);
        var roomType = hotel.RoomTypes.FirstOrDefault(r => r.Id == request.RoomTypeId);
        if (roomType is null)
        {
            RpcErrors.NotFound($"Room type '{request.RoomTypeId}' was not found in hotel '{hotel.Id}'.");
        }

        if (request.Guests > roomType.Capacity * request.Rooms)
        {
            RpcErrors.InvalidArgument("guests", $"{roomType.Name} sleeps at most {roomType.Capacity} guests.");
        }

        Hold? hold;
        try
        {
            hold = await holds.TryCreateAsync(request.RequestId, hotel, roomType, stay, request.Rooms, context.CancellationToken);
        }
        catch (DbUpdateException) when (!context.CancellationToken.IsCancellationRequested)
        {
            // A concurrent retry with the same request id created it first.
            hold = await holds.FindByRequestIdAsync(request.RequestId, context.CancellationToken) ?? throw new RpcException(new(StatusCode.Aborted, "Concurrent hold creation; retry."));
        }

        if (hold is null)
        {
            RpcErrors.FailedPrecondition(ErrorReasons.RoomsUnavailable,
                $"Not enough {roomType.Name} rooms are free for every night from {stay.CheckIn:yyyy-MM-dd} to {stay.CheckOut:yyyy-MM-dd}.");
        }

        changes.Publish(new(hold.HotelId, hold.CheckIn, hold.CheckOut));
        AvailabilityLog.HoldCreated(logger, hold.Id, hold.RoomTypeId, hold.Rooms, hold.Stay.Nights);
        return new() { Hold = MapToProto(hold) };
    }

    public override async Task<Proto.ConfirmHoldResponse> ConfirmHold(Proto.ConfirmHoldRequest request, ServerCallContext context)
    {
        var result = await holds.ConfirmAsync(request.HoldId, context.CancellationToken);
        switch (result.Outcome)
        {
            case HoldOutcome.NotFound:
                RpcErrors.NotFound($"Hold '{request.HoldId}' was not found.");
                break;
            case HoldOutcome.Expired:
                changes.Publish(new(result.Hold!.HotelId, result.Hold.CheckIn, result.Hold.CheckOut));
                RpcErrors.FailedPrecondition(ErrorReasons.HoldExpired, $"Hold '{request.HoldId}' expired before it was confirmed.");
                break;
            case HoldOutcome.Released:
                RpcErrors.FailedPrecondition(ErrorReasons.HoldNotActive, $"Hold '{request.HoldId}' was released and cannot be confirmed.");
                break;
        }

        return new() { Hold = MapToProto(result.Hold!) };
    }

    public override async Task<Proto.ReleaseHoldResponse> ReleaseHold(Proto.ReleaseHoldRequest request, ServerCallContext context)
    {
        var holdId = request.HoldId;
        if (request.HoldCase == Proto.ReleaseHoldRequest.HoldOneofCase.RequestId)
        {
            var hold = await holds.FindByRequestIdAsync(request.RequestId, context.CancellationToken);
            if (hold is null)
            {
                RpcErrors.NotFound($"No hold was created with request id '{request.RequestId}'.");
            }

            holdId = hold.Id;
        }

        // Released, or Expired when its time had run out first: either way its rooms are free, and the
        // hold's status in the answer says which.
        var result = await holds.ReleaseAsync(holdId, context.CancellationToken);
        if (result.Outcome == HoldOutcome.NotFound)
        {
            RpcErrors.NotFound($"Hold '{holdId}' was not found.");
        }

        changes.Publish(new(result.Hold!.HotelId, result.Hold.CheckIn, result.Hold.CheckOut));
        return new() { Hold = MapToProto(result.Hold) };
    }

    private static Hold EnsureSameHold(Hold existing, Proto.CreateHoldRequest request, Stay stay)
    {
        if (existing.HotelId != request.HotelId || existing.RoomTypeId != request.RoomTypeId
            || existing.Stay != stay || existing.Rooms != request.Rooms)
        {
            RpcErrors.FailedPrecondition(ErrorReasons.IdempotencyKeyReused, "This request id was already used for a different hold.");
        }

        return existing;
    }

    private static Proto.Hotel MapToProto(Hotel hotel) => new()
    {
        HotelId = hotel.Id,
        Name = hotel.Name,
        City = hotel.City,
        RoomTypes =
        {
            hotel.RoomTypes.OrderBy(r => r.NightlyRateMinor).Select(r => new Proto.RoomType
            {
                RoomTypeId = r.Id,
                Name = r.Name,
                Capacity = r.Capacity,
                NightlyRate = Money.FromMinor(r.NightlyRateMinor, hotel.Currency),
            }),
        },
    };

    private Proto.Hold MapToProto(Hold hold) => new()
    {
        HoldId = hold.Id,
        HotelId = hold.HotelId,
        RoomTypeId = hold.RoomTypeId,
        CheckIn = hold.CheckIn.ToProtoDate(),
        CheckOut = hold.CheckOut.ToProtoDate(),
        Rooms = hold.Rooms,
        TotalPrice = Money.FromMinor(hold.TotalMinor, hold.Currency),
        Status = hold.EffectiveStatus(time.GetUtcNow().UtcDateTime) switch
        {
            HoldStatus.Active => Proto.HoldStatus.Active,
            HoldStatus.Confirmed => Proto.HoldStatus.Confirmed,
            HoldStatus.Released => Proto.HoldStatus.Released,
            HoldStatus.Expired => Proto.HoldStatus.Expired,
            _ => Proto.HoldStatus.Unspecified,
        },
        ExpireTime = Timestamp.FromDateTime(DateTime.SpecifyKind(hold.ExpiresAt, DateTimeKind.Utc)),
    };
}

internal static partial class AvailabilityLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Hold {HoldId} takes {Rooms} x {RoomTypeId} for {Nights} nights")]
    public static partial void HoldCreated(ILogger logger, string holdId, string roomTypeId, int rooms, int nights);
}
