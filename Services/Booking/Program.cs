using HotelBooking.Bookings.Data;
using HotelBooking.Bookings.Extensions;
using HotelBooking.Bookings.Grpc;
using HotelBooking.ServiceDefaults;
using HotelBooking.Services.Shared.Data;
using HotelBooking.Services.Shared.Faults;
using HotelBooking.Services.Shared.Grpc;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.AddGrpcServer();
builder.AddBookingTestHooks();

await using var app = builder.Build();
// "migrate" migrates (and seeds) the database, then exits: a deployment's one-shot job.
if (await app.PrepareDatabaseAsync<BookingDbContext>(args) is DatabaseStep.MigratedOnly) return;

app.MapDefaultEndpoints();
app.MapGrpcService<BookingGrpcService>();
app.MapGrpcHealthChecksService();
app.MapTestHooks();

app.Run();
