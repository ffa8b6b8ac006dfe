using HotelBooking.AppHost;

var builder = DistributedApplication.CreateBuilder(args);

// Each service owns a SQLite file here (tests point this at a fresh folder), or, with
// HotelBooking:Database=postgres, a database on one PostgreSQL server. Each database is migrated by a
// one-shot "<service>-migrate" resource before its service starts.
var dataDirectory = Path.GetFullPath(builder.Configuration["HotelBooking:DataDirectory"]
    ?? Path.Combine(builder.AppHostDirectory, ".data"));
var databases = ServiceDatabases.Configure(builder, dataDirectory);

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
