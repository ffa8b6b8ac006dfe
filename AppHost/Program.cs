using HotelBooking.AppHost;

var builder = DistributedApplication.CreateBuilder(args);

// A database per service (SQLite, or HotelBooking:Database=postgres), migrated by "<service>-migrate" first.
var databases = ServiceDatabases.Configure(builder);

var availability = builder.AddGrpcService<Projects.Availability>("availability")
    .WithMigratedDatabase(databases, "availability-db")
    .WithFaultInjectionCommands();

var payment = builder.AddGrpcService<Projects.Payment>("payment")
    .WithMigratedDatabase(databases, "payment-db")
    .WithFaultInjectionCommands();

var booking = builder.AddGrpcService<Projects.Booking>("booking")
    .WithMigratedDatabase(databases, "booking-db")
    .WithReference(availability).WaitFor(availability)
    .WithReference(payment).WaitFor(payment);

// Rest (5080) and GrpcEdge (5081) are bound by the gateway itself, not proxied: users see the ports it listens on.
builder.AddProject<Projects.Gateway>("gateway")
    .WithEndpoint("Rest", endpoint => endpoint.IsProxied = false)
    .WithEndpoint("GrpcEdge", endpoint => endpoint.IsProxied = false)
    .WithHttpHealthCheck("/health", endpointName: "Rest")
    .WithReference(availability).WaitFor(availability)
    .WithReference(booking).WaitFor(booking)
    .AnnounceWhenReady("Gateway ready: REST and Swagger UI at http://localhost:5080/swagger, gRPC edge at http://localhost:5081");

builder.Build().Run();
