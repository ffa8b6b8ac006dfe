using HotelBooking.Availability.Data;
using HotelBooking.Availability.Holds;
using HotelBooking.ServiceDefaults.Data;

namespace HotelBooking.Availability.Extensions;

internal static class ApplicationServiceExtensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<AvailabilityDbContext>("availability-db");
        builder.Services.AddSingleton(TimeProvider.System);

        builder.Services.AddOptions<HoldOptions>()
            .BindConfiguration(HoldOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddScoped<HoldLedger>();
        builder.Services.AddSingleton<AvailabilityTelemetry>();
        builder.Services.AddHostedService<HoldExpiryWorker>();
        return builder;
    }
}
