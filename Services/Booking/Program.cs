using HotelBooking.Bookings.Data;
using HotelBooking.Bookings.Extensions;
using HotelBooking.Bookings.Grpc;
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
if (await app.PrepareDatabaseAsync<BookingDbContext>(args) is DatabaseStep.MigratedOnly)
{
    return;
}

app.MapDefaultEndpoints();
app.MapGrpcService<BookingGrpcService>();
app.MapGrpcServiceDefaults();

app.Run();
