using HotelBooking.Availability.Data;
using HotelBooking.Availability.Holds;
using HotelBooking.Availability.Quotes;
using HotelBooking.Availability.ReadModel;
using HotelBooking.Availability.Search;
using HotelBooking.Availability.Streaming;
using HotelBooking.Services.Shared.Data;

namespace HotelBooking.Availability.Extensions;

internal static class ApplicationServiceExtensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<AvailabilityDbContext, AvailabilityPostgresDbContext>("availability-db");
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddOptions<CatalogueOptions>()
            .BindConfiguration(CatalogueOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddOptions<HoldOptions>()
            .BindConfiguration(HoldOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<ReadModelOptions>()
            .BindConfiguration(ReadModelOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<AvailabilityModel>();
        // First of the hosted services: the model is loaded before anything serves or sweeps.
        builder.Services.AddSingleton<ReadModelFeed>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ReadModelFeed>());
        builder.Services.AddSingleton<CitySearch>();
        builder.Services.AddScoped<HoldLedger>();
        builder.Services.AddSingleton<AvailabilityTelemetry>();
        builder.Services.AddSingleton<StayQuoter>();

        builder.Services.AddOptions<StreamingOptions>()
            .BindConfiguration(StreamingOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<AvailabilityChanges>();
        builder.Services.AddSingleton<StreamTracker>();
        builder.Services.AddScoped<AvailabilityStreams>();
        builder.Services.AddScoped<InventoryImporter>();
        builder.Services.AddHostedService<HoldExpiryWorker>();
        return builder;
    }
}
