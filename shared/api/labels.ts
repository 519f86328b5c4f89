/** Label, annotation and finalizer names shared with the reference controller and its clients. */

export const LABEL_PREFIX = 'internal-services.appstudio.openshift.io';

/** Keeps a request until its PipelineRun has been cancelled. */
export const FINALIZER = `${LABEL_PREFIX}/pipelinerun-cleanup`;

/** On the PipelineRun: name and namespace of the request it runs for. */
export const REQUEST_NAME_LABEL = `${LABEL_PREFIX}/name`;
export const REQUEST_NAMESPACE_LABEL = `${LABEL_PREFIX}/namespace`;

export const PIPELINE_TYPE_LABEL = 'pipelines.appstudio.openshift.io/type';
export const PIPELINE_TYPE_RELEASE = 'release';

/** operator-lib's owner annotations, which link a PipelineRun to a request on another cluster. */
export const PRIMARY_RESOURCE_ANNOTATION = 'operator-sdk/primary-resource';
export const PRIMARY_RESOURCE_TYPE_ANNOTATION = 'operator-sdk/primary-resource-type';
export const PRIMARY_RESOURCE_TYPE = 'InternalRequest.appstudio.redhat.com';
