using HotelBooking.Availability.Data;
using HotelBooking.Availability.Extensions;
using HotelBooking.Availability.Grpc;
using HotelBooking.ServiceDefaults;
using HotelBooking.Services.Shared.Data;
using HotelBooking.Services.Shared.Faults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.AddGrpcServerWithJsonTranscoding();
builder.AddTestHooks();

await using var app = builder.Build();
// "migrate" migrates (and seeds) the database, then exits: a deployment's one-shot job.
if (await app.PrepareDatabaseAsync<AvailabilityDbContext>(args, SeedData.SeedAsync) is DatabaseStep.MigratedOnly) return;

app.UseGrpcWeb(new() { DefaultEnabled = true }); // browsers call the read methods through the gateway
app.MapDefaultEndpoints();
app.MapGrpcService<AvailabilityGrpcService>();
app.MapGrpcHealthChecksService();
app.MapTestHooks();
app.MapBenchmarkAndDiagnosticEndpoints();

app.Run();
