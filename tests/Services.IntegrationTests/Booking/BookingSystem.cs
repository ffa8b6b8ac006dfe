using HotelBooking.Availability.Grpc;
using HotelBooking.Bookings.Grpc;
using HotelBooking.Payments.Grpc;
using HotelBooking.Services.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using AvailabilityProto = HotelBooking.Contracts.Availability.V1;
using BookingProto = HotelBooking.Contracts.Booking.V1;
using PaymentProto = HotelBooking.Contracts.Payment.V1;

namespace HotelBooking.Services.IntegrationTests.Booking;

/// <summary>
/// The booking service with its real downstreams: availability and payment, each in-process over its own
/// SQLite file. The booking service's gRPC clients are pointed at the other two test servers.
/// </summary>
public sealed class BookingSystem : IDisposable
{
    public BookingSystem()
    {
        Availability = new ServiceHost<AvailabilityGrpcService>("availability-db");
        Payment = new ServiceHost<PaymentGrpcService>("payment-db");
        Booking = new ServiceHost<BookingGrpcService>("booking-db",
            new Dictionary<string, string?>
            {
                ["services:availability:http:0"] = "http://localhost",
                ["services:payment:http:0"] = "http://localhost",
                ["Saga:StaleAfter"] = "00:00:01",
                ["Saga:RecoveryInterval"] = "00:00:00.200",
            },
            services =>
            {
                services.AddGrpcClient<AvailabilityProto.AvailabilityService.AvailabilityServiceClient>()
                    .ConfigurePrimaryHttpMessageHandler(() => Availability.CreateGrpcHandler());
                services.AddGrpcClient<PaymentProto.PaymentService.PaymentServiceClient>()
                    .ConfigurePrimaryHttpMessageHandler(() => Payment.CreateGrpcHandler());
            });

        Bookings = new BookingProto.BookingService.BookingServiceClient(Booking.CreateChannel());
        Rooms = new AvailabilityProto.AvailabilityService.AvailabilityServiceClient(Availability.CreateChannel());
        Payments = new PaymentProto.PaymentService.PaymentServiceClient(Payment.CreateChannel());
    }

    public ServiceHost<AvailabilityGrpcService> Availability { get; }
    public ServiceHost<PaymentGrpcService> Payment { get; }
    public ServiceHost<BookingGrpcService> Booking { get; }

    public BookingProto.BookingService.BookingServiceClient Bookings { get; }
    public AvailabilityProto.AvailabilityService.AvailabilityServiceClient Rooms { get; }
    public PaymentProto.PaymentService.PaymentServiceClient Payments { get; }

    public void Dispose()
    {
        Booking.Dispose();
        Payment.Dispose();
        Availability.Dispose();
    }
}
