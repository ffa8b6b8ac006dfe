using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using HotelBooking.Contracts;
using HotelBooking.Contracts.Common.V1;
using HotelBooking.Payments.Data;
using HotelBooking.Payments.Domain;
using HotelBooking.Services.Shared.Data;
using HotelBooking.Services.Shared.Grpc;
using Microsoft.EntityFrameworkCore;
using Proto = HotelBooking.Contracts.Payment.V1;

namespace HotelBooking.Payments.Grpc;

public sealed class PaymentGrpcService(
    PaymentDbContext db,
    SimulatedCardNetwork cardNetwork,
    PaymentTelemetry telemetry,
    TimeProvider time,
    ILogger<PaymentGrpcService> logger) : Proto.PaymentService.PaymentServiceBase
{
    public override async Task<Proto.ChargeResponse> Charge(Proto.ChargeRequest request, ServerCallContext context)
    {
        ValidateCharge(request);
        var fingerprint = Fingerprint(request);

        // The booking saga's lease outlasts its call deadline; once the deadline has passed, recovery may already
        // be deciding from what is stored whether money was taken, so a charge that comes this late must not land.
        ThrowIfPastDeadline(context);
        // Asked before the insert that stores its answer, so a retry asks again; the simulated network answers a
        // token the same way every time (a real one would get the request id as its own idempotency key), and
        // the retry is answered with the first call's stored payment, never a second one.
        var authorization = cardNetwork.Authorize(request.PaymentToken);
        if (authorization.Outcome == AuthorizationOutcome.InvalidToken)
        {
            telemetry.Recorded("invalid_token");
            RpcErrors.InvalidArgument("payment_token", "The payment token is not a known test token; use tok_visa or tok_chargeDeclined.");
        }

        var payment = new Payment
        {
            Id = Payment.NewId(),
            RequestId = request.RequestId,
            RequestFingerprint = fingerprint,
            AmountMinor = request.Amount.AmountMinor,
            Currency = request.Amount.CurrencyCode,
            Status = authorization.Outcome == AuthorizationOutcome.Approved ? PaymentStatus.Captured : PaymentStatus.Declined,
            CardDescription = authorization.CardDescription,
            DeclineReason = authorization.DeclineReason,
            CreatedAt = time.GetStorableUtcNow(),
        };
        if (await InsertAsync(payment, context) is { } first)
        {
            // A retry, or a concurrent call with the same key that inserted first: its outcome is the outcome.
            return new() { Payment = MapToProto(EnsureSameRequest(first, fingerprint)) };
        }

        var outcome = payment.Status.ToString().ToLowerInvariant();
        telemetry.Recorded(outcome);
        // A decline is an outcome, not a failed call: the span says which, its status stays OK.
        if (System.Diagnostics.Activity.Current is { IsAllDataRequested: true } span)
        {
            span.SetTag("hotelbooking.payment.outcome", outcome);
        }
        PaymentLog.Charged(logger, payment.Id, payment.Status, payment.AmountMinor, payment.Currency);
        return new() { Payment = MapToProto(payment) };
    }

    /// <summary>
    /// Stores the charge, or returns the payment its request id already made. Insert first, read only on a
    /// conflict: a new request id (nearly every charge) costs no read, and the unique index decides a race.
    /// </summary>
    private async Task<Payment?> InsertAsync(Payment payment, ServerCallContext context)
    {
        db.Payments.Add(payment);
        // One INSERT: if it fails it undoes itself, so EF's savepoint around it would only add two statements.
        db.Database.AutoSavepointsEnabled = false;
        try
        {
            // Checked again after the insert, which may have waited for the database's write lock, and just
            // before the commit: a charge is stored only while its deadline has not passed.
            await using var transaction = await db.Database.BeginTransactionAsync(context.CancellationToken);
            await db.SaveChangesAsync(context.CancellationToken);
            ThrowIfPastDeadline(context);
            await transaction.CommitAsync(context.CancellationToken);
            return null;
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            db.Entry(payment).State = EntityState.Detached;
            var first = await FindByRequestIdAsync(payment.RequestId, CancellationToken.None);
            if (first is null)
            {
                throw; // another key collided (the id): not a retry of this request
            }

            return first;
        }
    }

    public override async Task<Proto.RefundResponse> Refund(Proto.RefundRequest request, ServerCallContext context)
    {
        var payment = await db.RefundAsync(request.PaymentId, time.GetStorableUtcNow(), context.CancellationToken);
        if (payment is null)
        {
            // Unknown or not refundable: only this rare answer costs a second statement, to say which.
            var found = await FindAsync(request.PaymentId, context.CancellationToken);
            RpcErrors.FailedPrecondition(ErrorReasons.PaymentNotRefundable, $"Payment '{found.Id}' is {found.Status} and cannot be refunded.");
        }

        telemetry.Recorded("refunded");
        PaymentLog.Refunded(logger, payment.Id);
        return new() { Payment = MapToProto(payment) };
    }

    public override async Task<Proto.GetPaymentResponse> GetPayment(Proto.GetPaymentRequest request, ServerCallContext context)
    {
        if (request.KeyCase != Proto.GetPaymentRequest.KeyOneofCase.RequestId)
        {
            return new() { Payment = MapToProto(await FindAsync(request.PaymentId, context.CancellationToken)) };
        }

        var payment = await FindByRequestIdAsync(request.RequestId, context.CancellationToken);
        if (payment is null)
        {
            RpcErrors.NotFound($"No charge was made with request id '{request.RequestId}'.");
        }

        return new() { Payment = MapToProto(payment) };
    }

    private void ThrowIfPastDeadline(ServerCallContext context)
    {
        if (context.Deadline != DateTime.MaxValue && time.GetUtcNow().UtcDateTime >= context.Deadline)
        {
            RpcErrors.DeadlineExceeded("The charge reached the payment service after its deadline; nothing was charged.");
        }
    }

    private async Task<Payment> FindAsync(string paymentId, CancellationToken cancellationToken)
    {
        var payment = await db.Payments.FirstOrDefaultAsync(p => p.Id == paymentId, cancellationToken);
        if (payment is null)
        {
            RpcErrors.NotFound($"Payment '{paymentId}' was not found.");
        }

        return payment;
    }

    private Task<Payment?> FindByRequestIdAsync(string requestId, CancellationToken cancellationToken) =>
        db.Payments.AsNoTracking().FirstOrDefaultAsync(p => p.RequestId == requestId, cancellationToken);

    private static Payment EnsureSameRequest(Payment existing, string fingerprint)
    {
        if (existing.RequestFingerprint != fingerprint)
        {
            RpcErrors.FailedPrecondition(ErrorReasons.IdempotencyKeyReused,
                "This request id was already used for a different charge.");
        }

        return existing;
    }

    private static void ValidateCharge(Proto.ChargeRequest request)
    {
        var errors = new FieldErrors();
        if (!RequestIds.IsValid(request.RequestId))
        {
            errors.Add("request_id", $"A request id of {RequestIds.Rule} is required.");
        }

        if (string.IsNullOrWhiteSpace(request.PaymentToken))
        {
            errors.Add("payment_token", "A payment token is required.");
        }

        if (request.Amount is null || request.Amount.AmountMinor <= 0)
        {
            errors.Add("amount", "The amount must be positive.");
        }
        else if (request.Amount.CurrencyCode.Length != 3 || !request.Amount.CurrencyCode.All(char.IsAsciiLetterUpper))
        {
            errors.Add("amount.currency_code", "The currency must be an ISO 4217 code such as EUR.");
        }

        errors.ThrowIfAny();
    }

    private static string Fingerprint(Proto.ChargeRequest request) =>
        RequestFingerprint.Of(request.PaymentToken, request.Amount.AmountMinor, request.Amount.CurrencyCode);

    private static Proto.Payment MapToProto(Payment payment) => new()
    {
        PaymentId = payment.Id,
        Status = payment.Status switch
        {
            PaymentStatus.Captured => Proto.PaymentStatus.Captured,
            PaymentStatus.Declined => Proto.PaymentStatus.Declined,
            PaymentStatus.Refunded => Proto.PaymentStatus.Refunded,
            _ => Proto.PaymentStatus.Unspecified,
        },
        Amount = Money.FromMinor(payment.AmountMinor, payment.Currency),
        RequestId = payment.RequestId,
        CardDescription = payment.CardDescription,
        DeclineReason = payment.DeclineReason ?? "",
        CreateTime = Timestamp.FromDateTime(DateTime.SpecifyKind(payment.CreatedAt, DateTimeKind.Utc)),
    };
}

internal static partial class PaymentLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Payment {PaymentId} {Status}: {AmountMinor} {Currency} (minor units)")]
    public static partial void Charged(ILogger logger, string paymentId, PaymentStatus status, long amountMinor, string currency);

    [LoggerMessage(Level = LogLevel.Information, Message = "Payment {PaymentId} refunded")]
    public static partial void Refunded(ILogger logger, string paymentId);
}
