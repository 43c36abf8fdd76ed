/**
 * The drop-in sign-in's strings: English, Spanish and French, chosen by the `locale` option or the
 * browser's languages. `{name}` placeholders are filled by {@link format}. Error messages are
 * keyed by MobileClientError code; codes without a string show the service's own (English) message.
 */

/**
 * Every string the drop-in shows.
 *
 * @example
 * ```ts
 * const mine: Partial<UIStrings> = { signInTitle: 'Welcome back' };
 * ```
 */
export interface UIStrings {
  signInTitle: string;
  signUpTitle: string;
  confirmSignUpTitle: string;
  codeTitle: string;
  selectMFATitle: string;
  totpSetupTitle: string;
  emailSetupTitle: string;
  newPasswordTitle: string;
  forgotTitle: string;
  resetTitle: string;
  selectChallengeTitle: string;
  customTitle: string;
  username: string;
  password: string;
  newPassword: string;
  confirmPassword: string;
  code: string;
  totpCode: string;
  answer: string;
  signIn: string;
  signUp: string;
  createAccount: string;
  haveAccount: string;
  confirm: string;
  resendCode: string;
  sendCode: string;
  setPassword: string;
  continue: string;
  cancel: string;
  backToSignIn: string;
  forgotPassword: string;
  signInWithPasskey: string;
  emailMeACode: string;
  textMeACode: string;
  signInWithProvider: string;
  otherWays: string;
  logo: string;
  codeSentTo: string;
  codeResentTo: string;
  codeSent: string;
  accountConfirmed: string;
  passwordChanged: string;
  totpInstructions: string;
  qrCode: string;
  secretKey: string;
  openInAuthenticator: string;
  emailSetupInstructions: string;
  redirecting: string;
  factorPASSWORD: string;
  factorEMAIL_OTP: string;
  factorSMS_OTP: string;
  factorWEB_AUTHN: string;
  mfaSMS_MFA: string;
  mfaSOFTWARE_TOKEN_MFA: string;
  mfaEMAIL_OTP: string;
  attrEmail: string;
  attrPhone: string;
  attrName: string;
  attrGivenName: string;
  attrFamilyName: string;
  attrNickname: string;
  attrBirthdate: string;
  errorRequired: string;
  errorPasswordsDiffer: string;
  errorNotAuthorized: string;
  errorCodeMismatch: string;
  errorExpiredCode: string;
  errorUsernameExists: string;
  errorInvalidPassword: string;
  /** A value the server refused (e.g. an address in the wrong form); {message} is the server's reason. */
  errorInvalidParameter: string;
  errorTooManyRequests: string;
  errorNetwork: string;
  errorPasskeyCancelled: string;
  errorPasskeyUnsupported: string;
  errorOther: string;
}

const en: UIStrings = {
  signInTitle: 'Sign in',
  signUpTitle: 'Create an account',
  confirmSignUpTitle: 'Confirm your account',
  codeTitle: 'Enter your code',
  selectMFATitle: 'Choose how to verify it is you',
  totpSetupTitle: 'Set up an authenticator app',
  emailSetupTitle: 'Set up codes by email',
  newPasswordTitle: 'Choose a new password',
  forgotTitle: 'Reset your password',
  resetTitle: 'Set a new password',
  selectChallengeTitle: 'Choose how to sign in',
  customTitle: 'Answer the challenge',
  username: 'Username',
  password: 'Password',
  newPassword: 'New password',
  confirmPassword: 'Confirm the password',
  code: 'Code',
  totpCode: 'Code from your authenticator app',
  answer: 'Answer',
  signIn: 'Sign in',
  signUp: 'Sign up',
  createAccount: 'Create an account',
  haveAccount: 'I have an account',
  confirm: 'Confirm',
  resendCode: 'Send a new code',
  sendCode: 'Send me a code',
  setPassword: 'Set the password',
  continue: 'Continue',
  cancel: 'Cancel',
  backToSignIn: 'Back to sign in',
  forgotPassword: 'Forgot your password?',
  signInWithPasskey: 'Sign in with a passkey',
  emailMeACode: 'Email me a code',
  textMeACode: 'Text me a code',
  signInWithProvider: 'Sign in with {provider}',
  otherWays: 'Other ways to sign in',
  logo: 'Logo',
  codeSentTo: 'We sent a code to {destination}.',
  codeResentTo: 'We sent a new code to {destination}.',
  codeSent: 'We sent you a code.',
  accountConfirmed: 'Your account is confirmed. Sign in to continue.',
  passwordChanged: 'Your password was changed. Sign in with the new one.',
  totpInstructions: 'Scan the QR code with your authenticator app, or type the key into it, then enter the 6-digit code it shows.',
  qrCode: 'QR code to scan with your authenticator app',
  secretKey: 'Key',
  openInAuthenticator: 'Open in an authenticator app on this device',
  emailSetupInstructions: 'Enter the email address your codes should go to.',
  redirecting: 'Taking you to the sign-in page…',
  factorPASSWORD: 'Password',
  factorEMAIL_OTP: 'Code by email',
  factorSMS_OTP: 'Code by text message',
  factorWEB_AUTHN: 'Passkey',
  mfaSMS_MFA: 'Text message',
  mfaSOFTWARE_TOKEN_MFA: 'Authenticator app',
  mfaEMAIL_OTP: 'Email',
  attrEmail: 'Email',
  attrPhone: 'Phone number',
  attrName: 'Name',
  attrGivenName: 'Given name',
  attrFamilyName: 'Family name',
  attrNickname: 'Nickname',
  attrBirthdate: 'Date of birth',
  errorRequired: 'Fill in {field}.',
  errorPasswordsDiffer: 'The two passwords are not the same.',
  errorNotAuthorized: 'Incorrect username or password.',
  errorCodeMismatch: 'That code is not right. Try again.',
  errorExpiredCode: 'That code has expired. Ask for a new one.',
  errorUsernameExists: 'That username is taken.',
  errorInvalidPassword: 'That password does not meet the requirements: {message}',
  errorInvalidParameter: 'Check what you entered: {message}',
  errorTooManyRequests: 'Too many attempts. Wait a moment and try again.',
  errorNetwork: 'The server cannot be reached. Check your connection and try again.',
  errorPasskeyCancelled: 'The passkey request was cancelled or timed out.',
  errorPasskeyUnsupported: 'This browser cannot use passkeys.',
  errorOther: 'Something went wrong: {message}',
};

const es: UIStrings = {
  signInTitle: 'Iniciar sesión',
  signUpTitle: 'Crear una cuenta',
  confirmSignUpTitle: 'Confirma tu cuenta',
  codeTitle: 'Introduce tu código',
  selectMFATitle: 'Elige cómo verificar tu identidad',
  totpSetupTitle: 'Configura una aplicación de autenticación',
  emailSetupTitle: 'Configura los códigos por correo',
  newPasswordTitle: 'Elige una contraseña nueva',
  forgotTitle: 'Restablece tu contraseña',
  resetTitle: 'Establece una contraseña nueva',
  selectChallengeTitle: 'Elige cómo iniciar sesión',
  customTitle: 'Responde al desafío',
  username: 'Nombre de usuario',
  password: 'Contraseña',
  newPassword: 'Contraseña nueva',
  confirmPassword: 'Confirma la contraseña',
  code: 'Código',
  totpCode: 'Código de tu aplicación de autenticación',
  answer: 'Respuesta',
  signIn: 'Iniciar sesión',
  signUp: 'Registrarse',
  createAccount: 'Crear una cuenta',
  haveAccount: 'Ya tengo una cuenta',
  confirm: 'Confirmar',
  resendCode: 'Enviar un código nuevo',
  sendCode: 'Envíame un código',
  setPassword: 'Guardar la contraseña',
  continue: 'Continuar',
  cancel: 'Cancelar',
  backToSignIn: 'Volver a iniciar sesión',
  forgotPassword: '¿Olvidaste tu contraseña?',
  signInWithPasskey: 'Iniciar sesión con una llave de acceso',
  emailMeACode: 'Envíame un código por correo',
  textMeACode: 'Envíame un código por SMS',
  signInWithProvider: 'Iniciar sesión con {provider}',
  otherWays: 'Otras formas de iniciar sesión',
  logo: 'Logotipo',
  codeSentTo: 'Enviamos un código a {destination}.',
  codeResentTo: 'Enviamos un código nuevo a {destination}.',
  codeSent: 'Te enviamos un código.',
  accountConfirmed: 'Tu cuenta está confirmada. Inicia sesión para continuar.',
  passwordChanged: 'Tu contraseña se cambió. Inicia sesión con la nueva.',
  totpInstructions: 'Escanea el código QR con tu aplicación de autenticación, o escribe la clave en ella, y luego introduce el código de 6 dígitos que muestra.',
  qrCode: 'Código QR para escanear con tu aplicación de autenticación',
  secretKey: 'Clave',
  openInAuthenticator: 'Abrir en una aplicación de autenticación de este dispositivo',
  emailSetupInstructions: 'Introduce la dirección de correo a la que deben llegar tus códigos.',
  redirecting: 'Te llevamos a la página de inicio de sesión…',
  factorPASSWORD: 'Contraseña',
  factorEMAIL_OTP: 'Código por correo',
  factorSMS_OTP: 'Código por SMS',
  factorWEB_AUTHN: 'Llave de acceso',
  mfaSMS_MFA: 'Mensaje de texto',
  mfaSOFTWARE_TOKEN_MFA: 'Aplicación de autenticación',
  mfaEMAIL_OTP: 'Correo electrónico',
  attrEmail: 'Correo electrónico',
  attrPhone: 'Número de teléfono',
  attrName: 'Nombre',
  attrGivenName: 'Nombre de pila',
  attrFamilyName: 'Apellidos',
  attrNickname: 'Apodo',
  attrBirthdate: 'Fecha de nacimiento',
  errorRequired: 'Rellena el campo {field}.',
  errorPasswordsDiffer: 'Las dos contraseñas no coinciden.',
  errorNotAuthorized: 'Nombre de usuario o contraseña incorrectos.',
  errorCodeMismatch: 'Ese código no es correcto. Inténtalo de nuevo.',
  errorExpiredCode: 'Ese código ha caducado. Pide uno nuevo.',
  errorUsernameExists: 'Ese nombre de usuario ya existe.',
  errorInvalidPassword: 'Esa contraseña no cumple los requisitos: {message}',
  errorInvalidParameter: 'Revisa lo que has escrito: {message}',
  errorTooManyRequests: 'Demasiados intentos. Espera un momento y vuelve a intentarlo.',
  errorNetwork: 'No se puede contactar con el servidor. Comprueba tu conexión y vuelve a intentarlo.',
  errorPasskeyCancelled: 'La solicitud de la llave de acceso se canceló o caducó.',
  errorPasskeyUnsupported: 'Este navegador no puede usar llaves de acceso.',
  errorOther: 'Algo salió mal: {message}',
};

const fr: UIStrings = {
  signInTitle: 'Se connecter',
  signUpTitle: 'Créer un compte',
  confirmSignUpTitle: 'Confirmez votre compte',
  codeTitle: 'Saisissez votre code',
  selectMFATitle: 'Choisissez comment prouver votre identité',
  totpSetupTitle: "Configurez une application d'authentification",
  emailSetupTitle: 'Configurez les codes par e-mail',
  newPasswordTitle: 'Choisissez un nouveau mot de passe',
  forgotTitle: 'Réinitialisez votre mot de passe',
  resetTitle: 'Définissez un nouveau mot de passe',
  selectChallengeTitle: 'Choisissez comment vous connecter',
  customTitle: 'Répondez au défi',
  username: "Nom d'utilisateur",
  password: 'Mot de passe',
  newPassword: 'Nouveau mot de passe',
  confirmPassword: 'Confirmez le mot de passe',
  code: 'Code',
  totpCode: "Code de votre application d'authentification",
  answer: 'Réponse',
  signIn: 'Se connecter',
  signUp: "S'inscrire",
  createAccount: 'Créer un compte',
  haveAccount: "J'ai déjà un compte",
  confirm: 'Confirmer',
  resendCode: 'Envoyer un nouveau code',
  sendCode: 'Envoyez-moi un code',
  setPassword: 'Enregistrer le mot de passe',
  continue: 'Continuer',
  cancel: 'Annuler',
  backToSignIn: 'Retour à la connexion',
  forgotPassword: 'Mot de passe oublié ?',
  signInWithPasskey: "Se connecter avec une clé d'accès",
  emailMeACode: 'Recevoir un code par e-mail',
  textMeACode: 'Recevoir un code par SMS',
  signInWithProvider: 'Se connecter avec {provider}',
  otherWays: 'Autres façons de se connecter',
  logo: 'Logo',
  codeSentTo: 'Nous avons envoyé un code à {destination}.',
  codeResentTo: 'Nous avons envoyé un nouveau code à {destination}.',
  codeSent: 'Nous vous avons envoyé un code.',
  accountConfirmed: 'Votre compte est confirmé. Connectez-vous pour continuer.',
  passwordChanged: 'Votre mot de passe a été changé. Connectez-vous avec le nouveau.',
  totpInstructions: "Scannez le code QR avec votre application d'authentification, ou saisissez-y la clé, puis entrez le code à 6 chiffres qu'elle affiche.",
  qrCode: "Code QR à scanner avec votre application d'authentification",
  secretKey: 'Clé',
  openInAuthenticator: "Ouvrir dans une application d'authentification de cet appareil",
  emailSetupInstructions: "Saisissez l'adresse e-mail qui recevra vos codes.",
  redirecting: 'Redirection vers la page de connexion…',
  factorPASSWORD: 'Mot de passe',
  factorEMAIL_OTP: 'Code par e-mail',
  factorSMS_OTP: 'Code par SMS',
  factorWEB_AUTHN: "Clé d'accès",
  mfaSMS_MFA: 'SMS',
  mfaSOFTWARE_TOKEN_MFA: "Application d'authentification",
  mfaEMAIL_OTP: 'E-mail',
  attrEmail: 'E-mail',
  attrPhone: 'Numéro de téléphone',
  attrName: 'Nom complet',
  attrGivenName: 'Prénom',
  attrFamilyName: 'Nom',
  attrNickname: 'Surnom',
  attrBirthdate: 'Date de naissance',
  errorRequired: 'Remplissez le champ {field}.',
  errorPasswordsDiffer: 'Les deux mots de passe sont différents.',
  errorNotAuthorized: "Nom d'utilisateur ou mot de passe incorrect.",
  errorCodeMismatch: "Ce code n'est pas le bon. Réessayez.",
  errorExpiredCode: 'Ce code a expiré. Demandez-en un nouveau.',
  errorUsernameExists: "Ce nom d'utilisateur est déjà pris.",
  errorInvalidPassword: 'Ce mot de passe ne respecte pas les règles : {message}',
  errorInvalidParameter: 'Vérifiez votre saisie : {message}',
  errorTooManyRequests: 'Trop de tentatives. Patientez un instant puis réessayez.',
  errorNetwork: 'Le serveur est injoignable. Vérifiez votre connexion et réessayez.',
  errorPasskeyCancelled: "La demande de clé d'accès a été annulée ou a expiré.",
  errorPasskeyUnsupported: "Ce navigateur ne prend pas en charge les clés d'accès.",
  errorOther: "Une erreur s'est produite : {message}",
};

/**
 * The built-in languages, by primary language subtag.
 *
 * @example
 * ```ts
 * Object.keys(LANGUAGES); // ['en', 'es', 'fr']
 * ```
 */
export const LANGUAGES: Readonly<Record<string, UIStrings>> = { en, es, fr };

/**
 * The language to show: the first of `wanted` (the `locale` option, then the browser's languages)
 * whose primary subtag we have, else English.
 *
 * @example
 * ```ts
 * pickLanguage(['es-MX', 'en']); // 'es'
 * ```
 */
export function pickLanguage(wanted: readonly (string | undefined)[]): string {
  for (const tag of wanted) {
    const primary = tag?.toLowerCase().split(/[-_]/)[0];
    if (primary && primary in LANGUAGES) return primary;
  }
  return 'en';
}

/**
 * A string with its `{name}` placeholders filled.
 *
 * @example
 * ```ts
 * format('We sent a code to {destination}.', { destination: 'a***@e***' });
 * ```
 */
export function format(template: string, values: Record<string, string> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}
