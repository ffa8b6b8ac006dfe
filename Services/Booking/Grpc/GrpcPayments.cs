using Grpc.Core;
using HotelBooking.Bookings.Saga;
using HotelBooking.Contracts.Common.V1;
using PaymentProto = HotelBooking.Contracts.Payment.V1;

namespace HotelBooking.Bookings.Grpc;

/// <summary><see cref="IPayments"/> over the payment service's gRPC client; the client propagates the incoming call's context.</summary>
public sealed class GrpcPayments(PaymentProto.PaymentService.PaymentServiceClient payments) : IPayments
{
    public async Task<ChargeResult> ChargeAsync(string chargeKey, string paymentToken, long amountMinor, string currency,
        string description, DateTime deadline, CancellationToken cancellationToken)
    {
        try
        {
            var payment = (await payments.ChargeAsync(new PaymentProto.ChargeRequest
            {
                RequestId = chargeKey,
                PaymentToken = paymentToken,
                Amount = Money.FromMinor(amountMinor, currency),
                Description = description,
            }, deadline: deadline, cancellationToken: cancellationToken)).Payment;
            return MapToCharge(payment);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.InvalidArgument)
        {
            return Refusals.FromRpcException(ex); // an unknown card token: nothing was charged
        }
        catch (RpcException ex) when (Unanswered.Is(ex))
        {
            throw Unanswered.Wrap(ex);
        }
    }

    public async Task<Charge?> FindChargeAsync(string chargeKey, DateTime deadline, CancellationToken cancellationToken)
    {
        try
        {
            return MapToCharge((await payments.GetPaymentAsync(new() { RequestId = chargeKey },
                deadline: deadline, cancellationToken: cancellationToken)).Payment);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
        catch (RpcException ex) when (Unanswered.Is(ex))
        {
            throw Unanswered.Wrap(ex);
        }
    }

    public async Task RefundAsync(string paymentId, DateTime deadline, CancellationToken cancellationToken)
    {
        try
        {
            await payments.RefundAsync(new() { PaymentId = paymentId }, deadline: deadline, cancellationToken: cancellationToken);
        }
        catch (RpcException ex) when (Unanswered.Is(ex))
        {
            throw Unanswered.Wrap(ex);
        }
    }

    private static Charge MapToCharge(PaymentProto.Payment payment) =>
        new(payment.PaymentId, payment.Status == PaymentProto.PaymentStatus.Captured);
}
