using HotelBooking.Availability.Comparison;
using HotelBooking.Availability.Data;
using HotelBooking.Availability.Extensions;
using HotelBooking.Availability.Grpc;
using Grpc.AspNetCore.Web;
using HotelBooking.ServiceDefaults.Data;
using HotelBooking.ServiceDefaults;

// In a container, "healthcheck" probes the running instance instead of starting one.
await HealthProbe.ExitIfRequestedAsync(args);

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.AddGrpcServiceDefaults();

var app = builder.Build();

await app.MigrateDatabaseAsync<AvailabilityDbContext>(
    (db, services) => SeedData.SeedAsync(db, services.GetRequiredService<TimeProvider>()));

// gRPC-Web, so browsers can call the read methods through the gateway's YARP routes.
app.UseGrpcWeb(new GrpcWebOptions { DefaultEnabled = true });

app.MapDefaultEndpoints();
app.MapGrpcService<AvailabilityGrpcService>();
app.MapGrpcServiceDefaults();
app.MapStreamDiagnostics();
app.MapRestComparison();

app.Run();
