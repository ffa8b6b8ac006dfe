using HotelBooking.Bookings.Data;
using HotelBooking.Bookings.Grpc;
using HotelBooking.Bookings.Saga;
using HotelBooking.Services.Shared.Data;
using AvailabilityProto = HotelBooking.Contracts.Availability.V1;
using PaymentProto = HotelBooking.Contracts.Payment.V1;

namespace HotelBooking.Bookings.Extensions;

internal static class ApplicationServiceExtensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<BookingDbContext, BookingPostgresDbContext>("booking-db");
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddScoped<BookingSaga>();
        builder.Services.AddScoped<GrpcPayments>();
        builder.Services.AddScoped<IPayments>(sp => sp.GetRequiredService<GrpcPayments>());
        builder.Services.AddScoped<IRoomHolds, GrpcRoomHolds>();
        builder.Services.AddSingleton<BookingTelemetry>();
        builder.Services.AddOptions<SagaOptions>()
            .BindConfiguration(SagaOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddHostedService<SagaRecoveryWorker>();

        // Every hold call carries the booking id as its key, and every charge "booking:{id}", so all of them
        // are safe to retry. Deadlines and cancellation flow on from the incoming call.
        builder.Services
            .AddInternalGrpcClient<AvailabilityProto.AvailabilityService.AvailabilityServiceClient>(
                "http://availability", AvailabilityProto.AvailabilityService.Descriptor.FullName,
                "GetHotel", "GetAvailability", "CreateHold", "ConfirmHold", "ReleaseHold")
            .EnableCallContextPropagation(o => o.SuppressContextNotFoundErrors = true);
        builder.Services
            .AddInternalGrpcClient<PaymentProto.PaymentService.PaymentServiceClient>(
                "http://payment", PaymentProto.PaymentService.Descriptor.FullName,
                "Charge", "Refund", "GetPayment")
            .EnableCallContextPropagation(o => o.SuppressContextNotFoundErrors = true);

        return builder;
    }
}
