using HotelBooking.Payments.Data;
using HotelBooking.Payments.Extensions;
using HotelBooking.Payments.Grpc;
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
if (await app.PrepareDatabaseAsync<PaymentDbContext>(args) is DatabaseStep.MigratedOnly)
{
    return;
}

app.MapDefaultEndpoints();
app.MapGrpcService<PaymentGrpcService>();
app.MapGrpcServiceDefaults();

app.Run();
