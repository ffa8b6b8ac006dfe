using HotelBooking.Payments.Data;
using HotelBooking.Payments.Domain;
using HotelBooking.Services.Shared.Data;

namespace HotelBooking.Payments.Extensions;

internal static class ApplicationServiceExtensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<PaymentDbContext, PaymentPostgresDbContext>("payment-db");
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SimulatedCardNetwork>();
        builder.Services.AddSingleton<PaymentTelemetry>();
        return builder;
    }
}
