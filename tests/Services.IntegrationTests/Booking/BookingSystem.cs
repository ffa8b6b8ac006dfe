using HotelBooking.Availability.Grpc;
using HotelBooking.Bookings.Grpc;
using HotelBooking.Payments.Grpc;
using HotelBooking.Services.IntegrationTests.Infrastructure;
using HotelBooking.Tests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using AvailabilityProto = HotelBooking.Contracts.Availability.V1;
using BookingProto = HotelBooking.Contracts.Booking.V1;
using PaymentProto = HotelBooking.Contracts.Payment.V1;

namespace HotelBooking.Services.IntegrationTests.Booking;

public sealed class SqliteBookingSystem() : BookingSystem(Provider.Sqlite);

public sealed class PostgresBookingSystem() : BookingSystem(Provider.Postgres);

/// <summary>
/// The booking service with its real downstreams: availability and payment, each in-process over its own
/// database. The booking service's gRPC clients are pointed at the other two test servers.
/// </summary>
public abstract class BookingSystem : IDisposable
{
    protected BookingSystem(Provider provider)
        : this(provider, new ServiceSetup())
    {
    }

    /// <param name="setup">More services (or other options) for each of the three hosts.</param>
    protected BookingSystem(Provider provider, ServiceSetup setup)
    {
        Provider = provider;
        if (provider == Provider.Postgres && !PostgresServer.IsAvailable)
        {
            return; // each test skips, saying why
        }

        Availability = new ServiceHost<AvailabilityGrpcService>("availability-db", TestCatalogue.HandMade(), configureServices: setup.Availability, provider: provider);
        Payment = new ServiceHost<PaymentGrpcService>("payment-db", configureServices: setup.Payment, provider: provider);
        Booking = new ServiceHost<BookingGrpcService>("booking-db",
            new Dictionary<string, string?>
            {
                ["services:availability:http:0"] = "http://localhost",
                ["services:payment:http:0"] = "http://localhost",
                ["Saga:Timeout"] = "00:00:05",
                ["Saga:Lease"] = "00:00:06",
                ["Saga:RecoveryInterval"] = "00:00:00.200",
                ["Saga:RecoveryBackoff"] = "00:00:00.200",
                ["Saga:MaxRecoveryAttempts"] = "3",
            },
            services =>
            {
                services.Configure<InternalGrpcChannelOptions>("availability", o => o.HttpHandler = Availability.CreateGrpcHandler());
                services.Configure<InternalGrpcChannelOptions>("payment", o => o.HttpHandler = Payment.CreateGrpcHandler());
                setup.Booking?.Invoke(services);
            },
            provider: provider);

        Bookings = new BookingProto.BookingService.BookingServiceClient(Booking.CreateChannel());
        Rooms = new AvailabilityProto.AvailabilityService.AvailabilityServiceClient(Availability.CreateChannel());
        Payments = new PaymentProto.PaymentService.PaymentServiceClient(Payment.CreateChannel());
    }

    public Provider Provider { get; }

    public ServiceHost<AvailabilityGrpcService> Availability { get; } = null!;
    public ServiceHost<PaymentGrpcService> Payment { get; } = null!;
    public ServiceHost<BookingGrpcService> Booking { get; } = null!;

    public BookingProto.BookingService.BookingServiceClient Bookings { get; } = null!;
    public AvailabilityProto.AvailabilityService.AvailabilityServiceClient Rooms { get; } = null!;
    public PaymentProto.PaymentService.PaymentServiceClient Payments { get; } = null!;

    /// <summary>Services a test adds to each host.</summary>
    protected sealed record ServiceSetup(
        Action<IServiceCollection>? Availability = null, Action<IServiceCollection>? Payment = null, Action<IServiceCollection>? Booking = null);

    public void Dispose()
    {
        Booking?.Dispose();
        Payment?.Dispose();
        Availability?.Dispose();
        GC.SuppressFinalize(this);
    }
}
