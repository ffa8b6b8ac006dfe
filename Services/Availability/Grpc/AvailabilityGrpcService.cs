using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using HotelBooking.Availability.Domain;
using HotelBooking.Availability.Holds;
using HotelBooking.Availability.Quotes;
using HotelBooking.Availability.ReadModel;
using HotelBooking.Availability.Search;
using HotelBooking.Availability.Streaming;
using HotelBooking.Contracts;
using HotelBooking.Contracts.Common.V1;
using HotelBooking.Services.Shared.Grpc;
using Proto = HotelBooking.Contracts.Availability.V1;

namespace HotelBooking.Availability.Grpc;

public sealed class AvailabilityGrpcService(
    HoldLedger holds,
    StayQuoter quoter,
    CitySearch search,
    AvailabilityModel model,
    AvailabilityStreams streams,
    StreamTracker tracker,
    InventoryImporter importer,
    TimeProvider time,
    ILogger<AvailabilityGrpcService> logger) : Proto.AvailabilityService.AvailabilityServiceBase
{
    public override Task<Proto.ListCitiesResponse> ListCities(Proto.ListCitiesRequest request, ServerCallContext context) =>
        Task.FromResult(new Proto.ListCitiesResponse
        {
            Cities = { search.Cities().Select(c => new Proto.City { Name = c.Name, HotelCount = c.HotelCount }) },
        });

    public override Task<Proto.ListHotelsResponse> ListHotels(Proto.ListHotelsRequest request, ServerCallContext context)
    {
        var hotels = string.IsNullOrWhiteSpace(request.City) ? model.Hotels : model.HotelsIn(request.City);
        return Task.FromResult(new Proto.ListHotelsResponse { Hotels = { hotels.Select(MapToProto) } });
    }

    public override Task<Proto.GetHotelResponse> GetHotel(Proto.GetHotelRequest request, ServerCallContext context)
    {
        var hotel = quoter.FindHotel(request.HotelId);
        if (hotel is null)
        {
            AvailabilityErrors.HotelNotFound(request.HotelId);
        }

        return Task.FromResult(new Proto.GetHotelResponse { Hotel = MapToProto(hotel) });
    }

    public override Task<Proto.SearchHotelsResponse> SearchHotels(Proto.SearchHotelsRequest request, ServerCallContext context)
    {
        var result = search.Search(new SearchCriteria(request.City, request.CheckIn.ToDateOnly(), request.CheckOut.ToDateOnly(),
            request.Guests, request.PageSize, request.PageToken));
        if (result.Problems.Count > 0)
        {
            RpcErrors.InvalidArgument([.. result.Problems.Select(p => new FieldError(p.Field, p.Message))]);
        }

        return Task.FromResult(new Proto.SearchHotelsResponse
        {
            City = request.City,
            CheckIn = request.CheckIn,
            CheckOut = request.CheckOut,
            Guests = request.Guests,
            Offers = { result.Offers.Select(MapToProto) },
            NextPageToken = result.NextPageToken ?? "",
        });
    }

    public override Task<Proto.GetAvailabilityResponse> GetAvailability(Proto.GetAvailabilityRequest request, ServerCallContext context)
    {
        var target = Quotable(MapToCriteria(request.HotelId, request.CheckIn, request.CheckOut, request.Guests));
        return Task.FromResult(new Proto.GetAvailabilityResponse { Availability = MapToProto(quoter.Quote(target)) });
    }

    public override async Task WatchAvailability(Proto.WatchAvailabilityRequest request,
        IServerStreamWriter<Proto.WatchAvailabilityResponse> responseStream, ServerCallContext context)
    {
        using var stream = OpenStream("WatchAvailability");
        var target = Quotable(MapToCriteria(request.HotelId, request.CheckIn, request.CheckOut, request.Guests));
        await streams.WatchAsync(target,
            quote => responseStream.WriteAsync(new() { Availability = MapToProto(quote) }, context.CancellationToken),
            context.CancellationToken);
    }

    public override async Task StreamQuotes(IAsyncStreamReader<Proto.StreamQuotesRequest> requestStream,
        IServerStreamWriter<Proto.StreamQuotesResponse> responseStream, ServerCallContext context)
    {
        using var stream = OpenStream("StreamQuotes");
        await streams.QuoteAsync(
            requestStream.ReadAllAsync(context.CancellationToken).Select(r => MapToCriteria(r.HotelId, r.CheckIn, r.CheckOut, r.Guests)),
            answer => responseStream.WriteAsync(MapToProto(answer), context.CancellationToken),
            context.CancellationToken);
    }

    public override async Task<Proto.ImportInventoryResponse> ImportInventory(
        IAsyncStreamReader<Proto.ImportInventoryRequest> requestStream, ServerCallContext context)
    {
        var summary = await importer.ImportAsync(requestStream.ReadAllAsync(context.CancellationToken).Select(MapToUpdate), context.CancellationToken);
        return new()
        {
            Accepted = summary.Accepted,
            Rejected = summary.Rejected,
            Errors = { summary.Errors.Select(e => new Proto.ImportError { Line = e.Line, Message = e.Message }) },
        };
    }

    public override async Task<Proto.CreateHoldResponse> CreateHold(Proto.CreateHoldRequest request, ServerCallContext context)
    {
        if (!RequestIds.IsValid(request.RequestId))
        {
            RpcErrors.InvalidArgument("request_id", $"A request id of {RequestIds.Rule} is required.");
        }

        if (request.Rooms is < 1 or > 10)
        {
            RpcErrors.InvalidArgument("rooms", "A hold takes 1 to 10 rooms.");
        }

        var criteria = MapToCriteria(request.HotelId, request.CheckIn, request.CheckOut, request.Guests);
        if (quoter.Problems(criteria.CheckIn, criteria.CheckOut, criteria.Guests) is { Count: > 0 } problems)
        {
            AvailabilityErrors.Refuse(CriteriaResult.Invalid(criteria, problems));
        }

        var stay = new Stay(criteria.CheckIn!.Value, criteria.CheckOut!.Value);
        var hotel = quoter.FindHotel(request.HotelId);
        if (hotel is null)
        {
            AvailabilityErrors.HotelNotFound(request.HotelId);
        }

        var roomType = hotel.RoomTypes.FirstOrDefault(r => r.Id == request.RoomTypeId);
        if (roomType is null)
        {
            RpcErrors.NotFound($"Room type '{request.RoomTypeId}' was not found in hotel '{hotel.Id}'.");
        }

        if (request.Guests > roomType.Capacity * request.Rooms)
        {
            RpcErrors.InvalidArgument("guests", $"{roomType.Name} sleeps at most {roomType.Capacity} guests.");
        }

        var result = await holds.TryCreateAsync(request.RequestId, hotel, roomType, stay, request.Rooms, context.CancellationToken);
        switch (result.Outcome)
        {
            case CreateOutcome.AlreadyCreated:
                return new() { Hold = MapToProto(EnsureSameHold(result.Hold!, request, stay)) };
            case CreateOutcome.RequestInProgress:
                // The insert failed, yet no hold has this request id: nothing was taken, and a retry decides.
                RpcErrors.Aborted(ErrorReasons.RequestInProgress, "Concurrent hold creation; retry.");
                break;
            case CreateOutcome.RoomsUnavailable:
                RpcErrors.FailedPrecondition(ErrorReasons.RoomsUnavailable,
                    $"Not enough {roomType.Name} rooms are free for every night from {stay.CheckIn:yyyy-MM-dd} to {stay.CheckOut:yyyy-MM-dd}.");
                break;
        }

        var hold = result.Hold!;
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

        return new() { Hold = MapToProto(result.Hold!) };
    }

    /// <summary>The target the criteria name; a call with criteria that cannot be quoted fails here.</summary>
    private QuoteTarget Quotable(QuoteCriteria criteria)
    {
        var result = quoter.Check(criteria);
        if (result.Target is null)
        {
            AvailabilityErrors.Refuse(result);
        }

        return result.Target;
    }

    /// <summary>Counts the stream while it is open; RESOURCE_EXHAUSTED when this server serves its maximum.</summary>
    private IDisposable OpenStream(string method)
    {
        var lease = tracker.TryOpen(method);
        if (lease is null)
        {
            AvailabilityErrors.TooManyStreams(tracker.MaxOpenStreams);
        }

        return lease;
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

    private static QuoteCriteria MapToCriteria(string hotelId, Google.Type.Date? checkIn, Google.Type.Date? checkOut, int guests) =>
        new(hotelId, checkIn.ToDateOnly(), checkOut.ToDateOnly(), guests);

    private static InventoryUpdate MapToUpdate(Proto.ImportInventoryRequest update) => new(
        update.Line, update.HotelId, update.RoomTypeId, update.Date.ToDateOnly(), update.Rooms,
        update.NightlyRate is { } rate ? new NightlyRate(rate.AmountMinor, rate.CurrencyCode) : null);

    private static Proto.StayAvailability MapToProto(StayAvailability availability) => new()
    {
        HotelId = availability.HotelId,
        CheckIn = availability.Stay.CheckIn.ToProtoDate(),
        CheckOut = availability.Stay.CheckOut.ToProtoDate(),
        Guests = availability.Guests,
        Rooms =
        {
            availability.Rooms.Select(r => new Proto.RoomAvailability
            {
                RoomTypeId = r.RoomTypeId,
                Name = r.Name,
                Capacity = r.Capacity,
                Available = r.Available,
                TotalPrice = Money.FromMinor(r.TotalMinor, availability.Currency),
            }),
        },
    };

    private static Proto.HotelOffer MapToProto(HotelOffer offer) => new()
    {
        HotelId = offer.Hotel.Id,
        Name = offer.Hotel.Name,
        CheapestRoom = new Proto.RoomAvailability
        {
            RoomTypeId = offer.RoomType.Id,
            Name = offer.RoomType.Name,
            Capacity = offer.RoomType.Capacity,
            Available = offer.Available,
            TotalPrice = Money.FromMinor(offer.TotalMinor, offer.Hotel.Currency),
        },
    };

    private static Proto.StreamQuotesResponse MapToProto(QuoteAnswer answer) => answer.Quote is { } quote
        ? new() { Quote = MapToProto(quote), Pushed = answer.Pushed }
        : new() { Error = AvailabilityErrors.StatusOf(answer.Refused!), Pushed = answer.Pushed };

    private static Proto.Hotel MapToProto(Hotel hotel) => new()
    {
        HotelId = hotel.Id,
        Name = hotel.Name,
        City = hotel.City,
        RoomTypes =
        {
            hotel.RoomTypes.Select(r => new Proto.RoomType // cheapest first: the model keeps them so
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
