using System.ComponentModel.DataAnnotations;
using Alliance.Data;
using Alliance.Web.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Alliance.Web.Features.Account;

/// <summary>
/// Two-factor sign-in with an authenticator app: the key (typed, linked and as a QR code), confirmation with a
/// code, then ten recovery codes shown once. When it is on: new recovery codes, or turning it off, each with a
/// code. Admins outside the demo agency reach only this page until it is on, and cannot turn it off.
/// </summary>
public sealed class TwoFactorSetupModel(UserManager<StaffUser> users, SignInManager<StaffUser> signIn, TwoFactorRule rule, ILogger<TwoFactorSetupModel> logger) : PageModel
{
    public const int RecoveryCodeCount = 10;
    public const string WrongCodeMessage = "That code did not match. Type the newest 6-digit code your app shows for Alliance; if it keeps failing, check that your phone's clock is set automatically.";

    public sealed class InputModel
    {
        [Required(ErrorMessage = "Type the 6-digit code from your authenticator app.")]
        public string Code { get; set; } = "";
    }

    [BindProperty] public InputModel Input { get; set; } = new();

    public bool Enabled { get; private set; }
    public bool Required { get; private set; }
    public string SharedKey { get; private set; } = "";
    public string AuthenticatorUri { get; private set; } = "";
    public string QrCode { get; private set; } = "";
    public int RecoveryCodesLeft { get; private set; }

    /// <summary>The form that was sent, so its field shows the message.</summary>
    public string? Posted { get; private set; }

    /// <summary>Shown once, right after they are made; never stored in readable form anywhere else for the page.</summary>
    public IReadOnlyList<string> NewRecoveryCodes { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (await users.GetUserAsync(User) is not { } user) return Challenge();
        await LoadAsync(user);
        return Page();
    }

    public async Task<IActionResult> OnPostConfirmAsync()
    {
        if (await users.GetUserAsync(User) is not { } user) return Challenge();
        if (await users.GetTwoFactorEnabledAsync(user)) return RedirectToPage();
        if (!ModelState.IsValid || !await VerifyAsync(user, countFailure: false))
        {
            await LoadAsync(user);
            return Page();
        }
        await users.SetTwoFactorEnabledAsync(user, true);
        NewRecoveryCodes = [.. await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount) ?? []];
        // Turning it on changes the security stamp: renew this session's cookie so only the others are checked again.
        await signIn.RefreshSignInAsync(user);
        SecurityLog.TwoFactorOn(logger, user.Id);
        await LoadAsync(user);
        return Page();
    }

    public async Task<IActionResult> OnPostRecoveryCodesAsync()
    {
        if (await users.GetUserAsync(User) is not { } user) return Challenge();
        if (!await users.GetTwoFactorEnabledAsync(user)) return RedirectToPage();
        if (!ModelState.IsValid || !await VerifyAsync(user, countFailure: true))
        {
            await LoadAsync(user);
            return Page();
        }
        NewRecoveryCodes = [.. await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount) ?? []];
        SecurityLog.RecoveryCodesMade(logger, user.Id);
        await LoadAsync(user);
        return Page();
    }

    public async Task<IActionResult> OnPostDisableAsync()
    {
        if (await users.GetUserAsync(User) is not { } user) return Challenge();
        if (!await users.GetTwoFactorEnabledAsync(user)) return RedirectToPage();
        Posted = "Disable";
        if (await rule.IsRequiredAsync(user))
        {
            ModelState.AddModelError(string.Empty, "Admins of this agency must keep two-factor sign-in on.");
            await LoadAsync(user);
            return Page();
        }
        if (!ModelState.IsValid || !await VerifyAsync(user, countFailure: true))
        {
            await LoadAsync(user);
            return Page();
        }
        await users.SetTwoFactorEnabledAsync(user, false);
        // A new key makes the old app entry useless; setting up again starts from a fresh one.
        await users.ResetAuthenticatorKeyAsync(user);
        await signIn.RefreshSignInAsync(user);
        SecurityLog.TwoFactorOff(logger, user.Id);
        TempData["Flash"] = "Two-factor sign-in is off. You can remove Alliance from your authenticator app.";
        return LocalRedirect("/account");
    }

    /// <summary>
    /// Checks a code from the app. Where a wrong code could be guessed at (changing settings that are already
    /// protected), wrong codes count towards the lockout.
    /// </summary>
    private async Task<bool> VerifyAsync(StaffUser user, bool countFailure)
    {
        if (countFailure && await users.IsLockedOutAsync(user))
        {
            ModelState.AddModelError(string.Empty, TwoFactorModel.LockedOutMessage);
            return false;
        }
        var code = AuthenticatorSetup.Clean(Input.Code);
        if (AuthenticatorSetup.IsAppCode(code)
            && await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code))
            return true;
        if (countFailure) await users.AccessFailedAsync(user);
        ModelState.AddModelError("Input.Code", WrongCodeMessage);
        return false;
    }

    private async Task LoadAsync(StaffUser user)
    {
        Features.Shared.NoStore.Apply(Response);
        Enabled = await users.GetTwoFactorEnabledAsync(user);
        Required = await rule.IsRequiredAsync(user);
        if (Enabled)
        {
            RecoveryCodesLeft = await users.CountRecoveryCodesAsync(user);
            return;
        }
        var key = await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            // The first key changes the security stamp: renew this session's cookie.
            await users.ResetAuthenticatorKeyAsync(user);
            await signIn.RefreshSignInAsync(user);
            key = await users.GetAuthenticatorKeyAsync(user) ?? "";
        }
        SharedKey = AuthenticatorSetup.FormatKey(key);
        AuthenticatorUri = AuthenticatorSetup.Uri(user.Email ?? user.UserName ?? "", key);
        QrCode = AuthenticatorSetup.QrCodeDataUri(AuthenticatorUri);
    }
}
