using HotelBooking.Gateway.Apis;
using HotelBooking.Gateway.Extensions;
using HotelBooking.Gateway.Errors;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGatewayServices();

var app = builder.Build();

app.UseTraceIdHeader();
app.UseExceptionHandler();
app.UseStatusCodePages();

app.UseSwagger();
app.UseSwaggerUI();

app.MapDefaultEndpoints();
app.MapHotelsApi();
app.MapBookingsApi();
app.MapReverseProxy();

app.Run();
