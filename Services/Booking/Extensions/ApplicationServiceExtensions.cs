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
        // are safe to retry (grpc-dotnet's retry policy, on UNAVAILABLE). Deadlines and cancellation are the
        // incoming call's: the saga passes both to every call (BookingGrpcService → BookingSaga → Grpc*), so the
        // clients need no call-context propagation, and the recovery worker's calls carry the saga's own.
        builder.Services.AddInternalGrpcClient<AvailabilityProto.AvailabilityService.AvailabilityServiceClient>(
            "availability", AvailabilityProto.AvailabilityService.Descriptor.FullName,
            "GetHotel", "GetAvailability", "CreateHold", "ConfirmHold", "ReleaseHold");
        builder.Services.AddInternalGrpcClient<PaymentProto.PaymentService.PaymentServiceClient>(
            "payment", PaymentProto.PaymentService.Descriptor.FullName,
            "Charge", "Refund", "GetPayment");

        return builder;
    }
}
