using HotelBooking.AppHost;

var builder = DistributedApplication.CreateBuilder(args);

// Each service owns a SQLite file here; tests point this at a fresh folder.
var dataDirectory = Path.GetFullPath(builder.Configuration["HotelBooking:DataDirectory"]
    ?? Path.Combine(builder.AppHostDirectory, ".data"));

var availability = builder.AddGrpcService<Projects.Availability>("availability")
    .WithSqliteDatabase("availability-db", dataDirectory)
    .WithFaultInjectionCommands();

var payment = builder.AddGrpcService<Projects.Payment>("payment")
    .WithSqliteDatabase("payment-db", dataDirectory)
    .WithFaultInjectionCommands();

var booking = builder.AddGrpcService<Projects.Booking>("booking")
    .WithSqliteDatabase("booking-db", dataDirectory)
    .WithReference(availability).WaitFor(availability)
    .WithReference(payment).WaitFor(payment);

// The gateway's two endpoints come from its own Kestrel configuration (Rest on 5080, GrpcEdge on 5081);
// they are bound by the gateway itself, not proxied, so the ports users see are the ports it listens on.
builder.AddProject<Projects.Gateway>("gateway")
    .WithEndpoint("Rest", endpoint => endpoint.IsProxied = false)
    .WithEndpoint("GrpcEdge", endpoint => endpoint.IsProxied = false)
    .WithHttpHealthCheck("/health", endpointName: "Rest")
    .WithReference(availability).WaitFor(availability)
    .WithReference(booking).WaitFor(booking)
    .AnnounceWhenReady("Gateway ready: REST and Swagger UI at http://localhost:5080/swagger, gRPC edge at http://localhost:5081");

builder.Build().Run();
