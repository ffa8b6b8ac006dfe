using HotelBooking.Bookings.Grpc;
using HotelBooking.Bookings.Saga;
using HotelBooking.Services.Shared.Faults;

namespace HotelBooking.Bookings.Extensions;

internal static class BookingTestHooks
{
    /// <summary>
    /// The shared test hooks (fault injection, <c>/_faults</c>) and, outside Production, the booking's own crash
    /// point around its payments. In Production the saga gets the payment adapter as it is.
    /// </summary>
    public static IHostApplicationBuilder AddBookingTestHooks(this IHostApplicationBuilder builder)
    {
        builder.AddTestHooks();
        if (!builder.Environment.IsProduction())
        {
            builder.Services.AddScoped<IPayments>(sp =>
                new CrashAfterCharge(sp.GetRequiredService<GrpcPayments>(), sp.GetRequiredService<FaultInjector>()));
        }

        return builder;
    }
}
