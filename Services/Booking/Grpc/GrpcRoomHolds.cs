using Grpc.Core;
using HotelBooking.Bookings.Domain;
using HotelBooking.Bookings.Saga;
using HotelBooking.Contracts;
using AvailabilityProto = HotelBooking.Contracts.Availability.V1;

namespace HotelBooking.Bookings.Grpc;

/// <summary><see cref="IRoomHolds"/> over the availability service's gRPC client; the client propagates the incoming call's context.</summary>
public sealed class GrpcRoomHolds(AvailabilityProto.AvailabilityService.AvailabilityServiceClient availability) : IRoomHolds
{
    public async Task<RoomsTaken> TakeAsync(Booking booking, DateTime deadline, CancellationToken cancellationToken)
    {
        try
        {
            var hold = (await availability.CreateHoldAsync(new AvailabilityProto.CreateHoldRequest
            {
                RequestId = booking.Id,
                HotelId = booking.HotelId,
                RoomTypeId = booking.RoomTypeId,
                CheckIn = booking.CheckIn.ToProtoDate(),
                CheckOut = booking.CheckOut.ToProtoDate(),
                Guests = booking.Guests,
                Rooms = 1,
            }, deadline: deadline, cancellationToken: cancellationToken)).Hold;
            return RoomsTaken.Held(hold.HoldId, hold.TotalPrice.AmountMinor, hold.TotalPrice.CurrencyCode);
        }
        catch (RpcException ex) when (Refusals.IsRefusal(ex))
        {
            return RoomsTaken.Refused(Refusals.FromRpcException(ex));
        }
        catch (RpcException ex) when (Unanswered.Is(ex))
        {
            throw Unanswered.Wrap(ex);
        }
    }

    public async Task<bool> ConfirmAsync(string holdId, DateTime deadline, CancellationToken cancellationToken)
    {
        try
        {
            await availability.ConfirmHoldAsync(new() { HoldId = holdId }, deadline: deadline, cancellationToken: cancellationToken);
            return true;
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.FailedPrecondition)
        {
            return false; // expired, or released
        }
        catch (RpcException ex) when (Unanswered.Is(ex))
        {
            throw Unanswered.Wrap(ex);
        }
    }

    public async Task<HoldState> ReleaseAsync(Booking booking, DateTime deadline, CancellationToken cancellationToken)
    {
        var release = booking.HoldId is not null
            ? new AvailabilityProto.ReleaseHoldRequest { HoldId = booking.HoldId }
            : new AvailabilityProto.ReleaseHoldRequest { RequestId = booking.Id };
        try
        {
            var hold = (await availability.ReleaseHoldAsync(release, deadline: deadline, cancellationToken: cancellationToken)).Hold;
            return hold.Status switch
            {
                AvailabilityProto.HoldStatus.Active => HoldState.Active,
                AvailabilityProto.HoldStatus.Confirmed => HoldState.Confirmed,
                AvailabilityProto.HoldStatus.Released => HoldState.Released,
                AvailabilityProto.HoldStatus.Expired => HoldState.Expired,
                _ => HoldState.Unspecified,
            };
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound && booking.HoldId is null)
        {
            return HoldState.NeverMade; // no hold was ever made for it: nothing to give back
        }
        catch (RpcException ex) when (Unanswered.Is(ex))
        {
            throw Unanswered.Wrap(ex);
        }
    }
}

/// <summary>The statuses that say a downstream did not answer in time, rather than answering no.</summary>
internal static class Unanswered
{
    public static bool Is(RpcException ex) => ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded;

    public static ServiceUnavailableException Wrap(RpcException ex) => new(ex.Status.Detail, ex);
}
