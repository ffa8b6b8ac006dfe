using HotelBooking.Payments.Data;
using HotelBooking.Payments.Extensions;
using HotelBooking.Payments.Grpc;
using HotelBooking.ServiceDefaults;
using HotelBooking.Services.Shared.Data;
using HotelBooking.Services.Shared.Faults;
using HotelBooking.Services.Shared.Grpc;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.AddGrpcServer();
builder.AddTestHooks();

await using var app = builder.Build();
// "migrate" migrates (and seeds) the database, then exits: a deployment's one-shot job.
if (await app.PrepareDatabaseAsync<PaymentDbContext>(args) is DatabaseStep.MigratedOnly) return;

app.MapDefaultEndpoints();
app.MapGrpcService<PaymentGrpcService>();
app.MapGrpcHealthChecksService();
app.MapTestHooks();

app.Run();
