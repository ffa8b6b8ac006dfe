using HotelBooking.Payments.Data;
using HotelBooking.Payments.Extensions;
using HotelBooking.Payments.Grpc;
using HotelBooking.ServiceDefaults.Data;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.AddGrpcServiceDefaults();

var app = builder.Build();

await app.MigrateDatabaseAsync<PaymentDbContext>();

app.MapDefaultEndpoints();
app.MapGrpcService<PaymentGrpcService>();
app.MapGrpcServiceDefaults();

app.Run();
