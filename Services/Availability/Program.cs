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

await using var app = builder.Build();

// "migrate" migrates and seeds the database, then exits (a deployment's one-shot job); otherwise the
// service migrates at start, or with Database:MigrateOnStart=false checks that the job has run.
if (await app.PrepareDatabaseAsync<AvailabilityDbContext>(
    args, (db, services) => SeedData.SeedAsync(db, services.GetRequiredService<TimeProvider>())) is DatabaseStep.MigratedOnly)
{
    return;
}

// gRPC-Web, so browsers can call the read methods through the gateway's YARP routes.
app.UseGrpcWeb(new GrpcWebOptions { DefaultEnabled = true });

app.MapDefaultEndpoints();
app.MapGrpcService<AvailabilityGrpcService>();
app.MapGrpcServiceDefaults();
app.MapBenchmarkAndDiagnosticEndpoints();

app.Run();
