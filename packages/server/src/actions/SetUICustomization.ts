import { action } from './action.js';
import { setUiCustomization, uiCustomizationType, type SetUiCustomizationInput } from '../domain/oauth/ui-customization.js';

export default action(async (cognate, input: SetUiCustomizationInput) => ({ UICustomization: uiCustomizationType(cognate.config, await setUiCustomization(cognate, input)) }));
